package io.strato.agent.net;

import io.vertx.core.Future;
import io.vertx.core.Promise;
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
  private static final long STOP_GRACE_MS = 5000;
  private final Vertx vertx;
  private final HostCommands commands;
  private final Path dir;
  private final Duration lease;

  Dnsmasq(Vertx vertx, HostCommands commands, Path dir, Duration lease) {
    this.vertx = vertx;
    this.commands = commands;
    this.dir = dir;
    this.lease = lease;
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

  /**
   * Stops the network's dnsmasq, if one runs, and removes its files. Done means gone: it is given
   * {@link #STOP_GRACE_MS} to exit after SIGTERM, then killed.
   */
  Future<Void> stop(String networkId) {
    return pid(networkId).compose(pid -> pid == null ? Future.succeededFuture()
            : commands.run(List.of("kill", "-TERM", String.valueOf(pid)))
                .compose(v -> exited(pid, System.currentTimeMillis() + STOP_GRACE_MS))
                .compose(gone -> gone ? Future.succeededFuture()
                    : commands.run(List.of("kill", "-KILL", String.valueOf(pid))).mapEmpty()))
        .compose(v -> vertx.fileSystem().deleteRecursive(dir.resolve(networkId).toString())
            .recover(e -> Future.succeededFuture()));
  }

  /**
   * Whether process {@code pid} exits before {@code deadline} (looked at every 50 ms on a timer). An exited process
   * nobody reaped yet (a zombie: its command line is empty) counts as gone.
   */
  private Future<Boolean> exited(long pid, long deadline) {
    String cmdline = "/proc/" + pid + "/cmdline";
    return vertx.fileSystem().readFile(cmdline).map(b -> b.length() > 0).recover(e -> Future.succeededFuture(false))
        .compose(alive -> {
          if (!alive) return Future.succeededFuture(true);
          if (System.currentTimeMillis() > deadline) return Future.succeededFuture(false);
          Promise<Boolean> later = Promise.promise();
          vertx.setTimer(50, t -> exited(pid, deadline).onComplete(later));
          return later.future();
        });
  }

  /** The pid of the network's running dnsmasq, or null: the pid file's process, if it is still that dnsmasq. */
  Future<Long> pid(String networkId) {
    String file = dir.resolve(networkId).resolve("pid").toString();
    return vertx.fileSystem().exists(file).compose(there -> !there ? Future.succeededFuture(null)
        : vertx.fileSystem().readFile(file).compose(b -> {
          String text = b.toString().strip();
          if (!text.matches("\\d{1,10}")) return Future.succeededFuture(null);
          String cmdline = "/proc/" + text + "/cmdline";
          return vertx.fileSystem().exists(cmdline).compose(alive -> !alive ? Future.succeededFuture(null)
              : vertx.fileSystem().readFile(cmdline).map(c -> c.toString().contains("dnsmasq")
                  && c.toString().contains(networkId) ? Long.valueOf(text) : null));
        }));
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
    }
    return argv;
  }
}
