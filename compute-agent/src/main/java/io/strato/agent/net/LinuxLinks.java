package io.strato.agent.net;

import io.vertx.core.Future;
import java.util.List;

/**
 * Ensure-exists operations on the host's links and namespaces through {@code ip}: each may run again after a crash
 * or a retry and ends in the same state (made when missing, left as it is when there, gone already counts as
 * removed).
 */
final class LinuxLinks {
  private final HostCommands commands;

  LinuxLinks(HostCommands commands) {
    this.commands = commands;
  }

  Future<Boolean> exists(String link) {
    return commands.probe(List.of("ip", "link", "show", "dev", link)).map(HostCommands.Result::ok);
  }

  Future<Boolean> existsIn(String namespace, String link) {
    return commands.probe(List.of("ip", "-n", namespace, "link", "show", "dev", link)).map(HostCommands.Result::ok);
  }

  /** A Linux bridge, up, with no address of its own. */
  Future<Void> ensureBridge(String bridge) {
    return ensure(bridge, List.of("ip", "link", "add", "name", bridge, "type", "bridge"))
        .compose(v -> commands.run(List.of("ip", "link", "set", "dev", bridge, "up"))).mapEmpty();
  }

  /**
   * A tap on {@code bridge}, up. A tap the hypervisor made (libvirt makes its guests' taps and refuses to start a
   * guest whose tap exists already) is only put on the bridge; a missing one is made persistent with {@code mac}.
   */
  Future<Void> ensureTap(String tap, String mac, String bridge) {
    return exists(tap).compose(there -> there ? Future.succeededFuture()
            : ensure(tap, List.of("ip", "tuntap", "add", "dev", tap, "mode", "tap"))
                .compose(v -> commands.run(List.of("ip", "link", "set", "dev", tap, "address", mac))))
        .compose(v -> commands.run(List.of("ip", "link", "set", "dev", tap, "master", bridge, "up"))).mapEmpty();
  }

  Future<Void> ensureNamespace(String namespace) {
    return commands.probe(List.of("ip", "netns", "add", namespace)).compose(r -> {
      if (!r.ok() && !r.output().contains("File exists")) {
        return Future.failedFuture(new IllegalStateException("ip netns add " + namespace + ": " + r.output().strip()));
      }
      return commands.run(List.of("ip", "-n", namespace, "link", "set", "dev", "lo", "up"));
    }).mapEmpty();
  }

  /**
   * A veth from {@code bridge} into {@code namespace}: {@code outside} on the bridge, {@code inside} in the
   * namespace with {@code mac} and {@code address} (CIDR notation). A half-made pair from a crash is made again.
   */
  Future<Void> ensureVeth(String outside, String inside, String namespace, String mac, String address,
      String bridge) {
    return existsIn(namespace, inside).compose(there -> there ? Future.succeededFuture()
            : delete(outside).compose(v -> commands.run(List.of("ip", "link", "add", outside, "type", "veth", "peer",
                "name", inside, "netns", namespace))).mapEmpty())
        .compose(v -> commands.run(List.of("ip", "-n", namespace, "link", "set", "dev", inside, "address", mac, "up")))
        .compose(v -> commands.run(List.of("ip", "-n", namespace, "addr", "replace", address, "dev", inside)))
        .compose(v -> commands.run(List.of("ip", "link", "set", "dev", outside, "master", bridge, "up")))
        .mapEmpty();
  }

  /** Removes a link (a bridge, a tap, one end of a veth); a missing one is fine. */
  Future<Void> delete(String link) {
    return exists(link).compose(there -> !there ? Future.succeededFuture()
        : commands.probe(List.of("ip", "link", "del", "dev", link)).compose(r -> r.ok() ? Future.succeededFuture()
            : exists(link).compose(still -> still ? Future.failedFuture(new IllegalStateException("ip link del "
                + link + ": " + r.output().strip())) : Future.succeededFuture())));
  }

  /** Whether any link is on {@code bridge} (a missing bridge has none). */
  Future<Boolean> hasMembers(String bridge) {
    return commands.probe(List.of("ip", "-o", "link", "show", "master", bridge))
        .map(r -> r.ok() && !r.output().isBlank());
  }

  /** Removes a namespace with what is in it (its end of a veth takes the other end along); missing is fine. */
  Future<Void> deleteNamespace(String namespace) {
    return commands.probe(List.of("ip", "netns", "delete", namespace)).compose(r -> r.ok()
        || r.output().contains("No such file") ? Future.succeededFuture()
        : Future.failedFuture(new IllegalStateException("ip netns delete " + namespace + ": " + r.output().strip())));
  }

  /** Runs {@code add} unless {@code link} exists; a concurrent add that won ("File exists") is fine too. */
  private Future<Void> ensure(String link, List<String> add) {
    return exists(link).compose(there -> there ? Future.succeededFuture() : commands.probe(add).compose(r ->
        r.ok() || r.output().contains("File exists") ? Future.succeededFuture()
            : Future.failedFuture(new IllegalStateException(String.join(" ", add) + ": " + r.output().strip()))));
  }
}
