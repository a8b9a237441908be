package io.strato.agent.net;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.CopyOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One dnsmasq per network, inside the network's DHCP namespace, in static mode: it answers only the MACs listed in
 * its hosts file ({@code mac,ip}, one port a line), each with exactly that address, and nothing to any other MAC (no
 * dynamic range). The hosts file is rewritten and dnsmasq told to read it again (SIGHUP) when ports come and go. Its
 * files live in {@code <dir>/<network id>/}; the pid file is how a restarted agent finds a dnsmasq it started before.
 */
final class Dnsmasq {
  private final Vertx vertx;
  private final HostCommands commands;
  private final Path dir;
  private final Duration lease;
  private final boolean metadata;

  /** {@code metadata}: guests are given a route to the metadata proxy ({@link MetadataProxy}). */
  Dnsmasq(Vertx vertx, HostCommands commands, Path dir, Duration lease, boolean metadata) {
    this.vertx = vertx;
    this.commands = commands;
    this.dir = dir;
    this.lease = lease;
    this.metadata = metadata;
  }

  /** The MAC -> address entries of the network, in the order they were added. */
  Future<Map<String, String>> hosts(String networkId) {
    String file = hostsFile(networkId).toString();
    return vertx.fileSystem().exists(file).compose(there -> !there ? Future.succeededFuture(new LinkedHashMap<>())
        : vertx.fileSystem().readFile(file).map(b -> {
          Map<String, String> hosts = new LinkedHashMap<>();
          for (String line : b.toString().split("\n")) {
            int comma = line.indexOf(',');
            if (comma > 0) hosts.put(line.substring(0, comma), line.substring(comma + 1));
          }
          return hosts;
        }));
  }

  /** Writes the hosts file (a temporary file renamed over it, so dnsmasq never reads half of one). */
  Future<Void> writeHosts(String networkId, Map<String, String> hosts) {
    StringBuilder text = new StringBuilder();
    hosts.forEach((mac, ip) -> text.append(mac).append(',').append(ip).append('\n'));
    String file = hostsFile(networkId).toString();
    return vertx.fileSystem().mkdirs(dir.resolve(networkId).toString())
        .compose(v -> vertx.fileSystem().writeFile(file + ".new", Buffer.buffer(text.toString())))
        .compose(v -> vertx.fileSystem().move(file + ".new", file,
            new CopyOptions().setReplaceExisting(true)));
  }

  /** dnsmasq serves the network: started when not running, else told to read its hosts file again. */
  Future<Void> serve(DhcpNetwork net) {
    return pid(net.networkId()).compose(pid -> pid != null
        ? commands.run(List.of("kill", "-HUP", String.valueOf(pid))).mapEmpty()
        : commands.run(command(net)).mapEmpty());
  }

  /** Stops the network's dnsmasq, if one runs (gone when this completes), and removes its files. */
  Future<Void> stop(String networkId) {
    return pid(networkId).compose(pid -> pid == null ? Future.succeededFuture() : PidFile.stop(vertx, commands, pid))
        .compose(v -> vertx.fileSystem().deleteRecursive(dir.resolve(networkId).toString())
            .recover(e -> Future.succeededFuture()));
  }

  /** The pid of the network's running dnsmasq, or null: the pid file's process, if it is still that dnsmasq. */
  Future<Long> pid(String networkId) {
    return PidFile.owner(vertx, dir.resolve(networkId).resolve("pid"), "dnsmasq", networkId);
  }

  private Path hostsFile(String networkId) {
    return dir.resolve(networkId).resolve("hosts");
  }

  /** The command line, after Neutron's DHCP agent ({@code neutron/agent/linux/dhcp.py}), in the namespace. */
  private List<String> command(DhcpNetwork net) {
    Path files = dir.resolve(net.networkId());
    List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", LinuxNames.dhcpNamespace(net.networkId()),
        "dnsmasq", "--conf-file=/dev/null", "--no-hosts", "--no-resolv", "--port=0",
        // NOTE: dnsmasq reads its hosts file again on SIGHUP after dropping privileges; the agent's state folder
        // may be one only root can enter, so it keeps root (it is alone in a namespace that holds one veth).
        "--user=root", "--bind-interfaces", "--interface=" + LinuxNames.dhcpInside(net.port().id()),
        "--except-interface=lo", "--pid-file=" + files.resolve("pid"),
        "--dhcp-hostsfile=" + files.resolve("hosts"), "--dhcp-leasefile=" + files.resolve("leases"),
        "--log-facility=" + files.resolve("log"), "--log-dhcp"));
    // dnsmasq keeps 1,000 leases by default: as Neutron, room for every address of the subnets.
    long addresses = net.subnets().stream().mapToLong(s -> 1L << (32 - s.prefixLength())).sum();
    argv.add("--dhcp-lease-max=" + Math.min(addresses, Integer.MAX_VALUE));
    int i = 0;
    for (DhcpNetwork.Subnet s : net.subnets()) {
      String tag = "subnet" + i++;
      argv.add("--dhcp-range=set:" + tag + "," + s.networkAddress() + ",static," + s.netmask() + ","
          + lease.toSeconds() + "s");
      // Without a gateway the subnet offers no router (dnsmasq would offer itself).
      argv.add("--dhcp-option=tag:" + tag + ",option:router" + (s.gateway() == null ? "" : "," + s.gateway()));
      if (metadata && s.dhcpAddress() != null) {
        // As Neutron's isolated metadata: a classless static route (option 121) to the metadata address through
        // the DHCP port; a client that takes option 121 ignores the router option, so the default route goes too.
        argv.add("--dhcp-option-force=tag:" + tag + ",option:classless-static-route," + MetadataProxy.ADDRESS
            + "/32," + s.dhcpAddress() + (s.gateway() == null ? "" : ",0.0.0.0/0," + s.gateway()));
      }
    }
    return argv;
  }
}
