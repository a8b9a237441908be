package io.strato.agent.net;

import io.strato.agent.clients.NetworkClient;
import io.strato.common.config.Settings;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;

/** The host's network plumbing chosen by {@code agent.network.plumbing}; an unknown name fails start-up. */
public final class Plumbing {
  private Plumbing() {}

  /**
   * The plumbing of host {@code host}; DHCP servers keep their files under {@code stateDir/dhcp}. Linux bridges serve
   * one real host: a simulated fleet ({@code fleetSize > 0}) shares this machine's links, so it must use {@code none}.
   */
  public static NetworkPlumber from(Vertx vertx, Settings settings, NetworkClient network, String host, Path stateDir,
      int fleetSize) {
    String kind = settings.get(NetworkPlumber.SETTING);
    return switch (kind) {
      case "none" -> new NoPlumbing();
      case "linuxbridge" -> {
        if (fleetSize > 0) {
          throw new IllegalArgumentException(NetworkPlumber.SETTING + "=linuxbridge plumbs one real host; the"
              + " simulated fleet (agent.fleet.size > 0) needs " + NetworkPlumber.SETTING + "=none");
        }
        HostCommands commands = new HostCommands(vertx, settings.getInt("agent.network.command.workers"),
            Duration.ofSeconds(settings.getLong("agent.network.command.timeout.seconds")));
        Dnsmasq dnsmasq = new Dnsmasq(vertx, commands, stateDir.resolve("dhcp"),
            Duration.ofSeconds(settings.getLong("agent.network.dhcp.lease.seconds")));
        yield new LinuxBridgePlumber(new LinuxLinks(commands), dnsmasq, network, host);
      }
      default -> throw new IllegalArgumentException("unknown " + NetworkPlumber.SETTING + " '" + kind
          + "': known are linuxbridge, none");
    };
  }
}
