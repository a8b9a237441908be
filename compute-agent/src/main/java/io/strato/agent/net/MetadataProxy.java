package io.strato.agent.net;

import io.strato.common.auth.MetadataSignature;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.CopyOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Nova's metadata at {@code 169.254.169.254:80} for the guests of one network on this host, as Neutron's isolated
 * metadata: one haproxy per network, started in the host's namespace but listening inside the network's
 * {@code qdhcp-} namespace (haproxy's {@code bind ... namespace}), so it reaches the metadata API while the guests
 * reach only it. It names the instance behind a request by the request's source address among the ports this host
 * plugged on the network (fixed IP -> instance, the same binding that drives DHCP) and signs that name with the
 * shared secret ({@link MetadataSignature}); a source it does not know is refused. Its files are in
 * {@code <dir>/<network id>/}: {@code ports} ({@code mac ip instance}, one port a line), the two maps haproxy reads
 * ({@code instances.map}, {@code signatures.map}), {@code haproxy.cfg} and {@code pid}. haproxy reads its maps at
 * start, so a change starts a new haproxy that takes over from the old one ({@code -sf}).
 */
final class MetadataProxy {
  static final String ADDRESS = "169.254.169.254";
  private final Vertx vertx;
  private final HostCommands commands;
  private final Path dir;
  private final String secret;
  private final String target;

  /** {@code target} is the metadata API's {@code host:port}. */
  MetadataProxy(Vertx vertx, HostCommands commands, Path dir, String secret, String target) {
    this.vertx = vertx;
    this.commands = commands;
    this.dir = dir;
    this.secret = secret;
    this.target = target;
  }

  /** One plugged port as the proxy knows it. */
  record Entry(String ip, String instanceId) {}

  /** The network's ports by MAC, in the order they were added. */
  Future<Map<String, Entry>> ports(String networkId) {
    String file = dir.resolve(networkId).resolve("ports").toString();
    return vertx.fileSystem().exists(file).compose(there -> !there ? Future.succeededFuture(new LinkedHashMap<>())
        : vertx.fileSystem().readFile(file).map(b -> {
          Map<String, Entry> ports = new LinkedHashMap<>();
          for (String line : b.toString().split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length == 3) ports.put(f[0], new Entry(f[1], f[2]));
          }
          return ports;
        }));
  }

  /**
   * The proxy serves exactly {@code ports}: its files are written, the metadata address is on the namespace's
   * loopback, and a haproxy reading them runs (a new one taking over from the one before).
   */
  Future<Void> serve(String networkId, Map<String, Entry> ports) {
    Path files = dir.resolve(networkId);
    StringBuilder list = new StringBuilder();
    StringBuilder instances = new StringBuilder();
    StringBuilder signatures = new StringBuilder();
    ports.forEach((mac, e) -> {
      list.append(mac).append(' ').append(e.ip()).append(' ').append(e.instanceId()).append('\n');
      instances.append(e.ip()).append(' ').append(e.instanceId()).append('\n');
      signatures.append(e.ip()).append(' ').append(MetadataSignature.sign(secret, e.instanceId())).append('\n');
    });
    String ns = LinuxNames.dhcpNamespace(networkId);
    return vertx.fileSystem().mkdirs(files.toString())
        .compose(v -> write(files.resolve("instances.map"), instances.toString()))
        .compose(v -> write(files.resolve("signatures.map"), signatures.toString()))
        .compose(v -> write(files.resolve("haproxy.cfg"), config(networkId)))
        .compose(v -> write(files.resolve("ports"), list.toString()))
        .compose(v -> commands.run(List.of("ip", "-n", ns, "addr", "replace", ADDRESS + "/32", "dev", "lo")))
        .compose(v -> pid(networkId))
        .compose(old -> {
          List<String> argv = new ArrayList<>(List.of("haproxy", "-D", "-p", files.resolve("pid").toString(),
              "-f", files.resolve("haproxy.cfg").toString()));
          if (old != null) argv.addAll(List.of("-sf", String.valueOf(old)));
          return commands.run(argv);
        }).mapEmpty();
  }

  /** Stops the network's haproxy, if one runs (gone when this completes), and removes its files. */
  Future<Void> stop(String networkId) {
    return pid(networkId).compose(pid -> pid == null ? Future.succeededFuture() : PidFile.stop(vertx, commands, pid))
        .compose(v -> vertx.fileSystem().deleteRecursive(dir.resolve(networkId).toString())
            .recover(e -> Future.succeededFuture()));
  }

  /** The pid of the network's running haproxy, or null: the pid file's process, if it is still that haproxy. */
  Future<Long> pid(String networkId) {
    return PidFile.owner(vertx, dir.resolve(networkId).resolve("pid"), "haproxy", networkId);
  }

  /** haproxy's configuration: requests from a known source get its instance's id and signature, others a 403. */
  private String config(String networkId) {
    Path files = dir.resolve(networkId);
    String instances = files.resolve("instances.map").toString();
    String signatures = files.resolve("signatures.map").toString();
    return """
        global
          maxconn 256
        defaults
          mode http
          timeout connect 5s
          timeout client 30s
          timeout server 30s
        frontend metadata
          bind %s:80 namespace %s
          http-request del-header %s
          http-request del-header %s
          http-request deny deny_status 403 unless { src,map_ip(%s) -m found }
          http-request set-header %s %%[src,map_ip(%s)]
          http-request set-header %s %%[src,map_ip(%s)]
          option forwardfor
          default_backend metadata
        backend metadata
          server metadata %s
        """.formatted(ADDRESS, LinuxNames.dhcpNamespace(networkId), MetadataSignature.INSTANCE_HEADER,
        MetadataSignature.SIGNATURE_HEADER, instances, MetadataSignature.INSTANCE_HEADER, instances,
        MetadataSignature.SIGNATURE_HEADER, signatures, target);
  }

  private Future<Void> write(Path file, String text) {
    return vertx.fileSystem().writeFile(file + ".new", Buffer.buffer(text))
        .compose(v -> vertx.fileSystem().move(file + ".new", file.toString(),
            new CopyOptions().setReplaceExisting(true)));
  }
}
