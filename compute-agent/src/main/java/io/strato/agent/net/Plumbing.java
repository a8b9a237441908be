package io.strato.agent.net;

import io.strato.agent.clients.NetworkClient;
import io.strato.common.auth.MetadataSignature;
import io.strato.common.config.Settings;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The host's network plumbing chosen by {@code agent.network.plumbing}; an unknown name fails start-up. */
public final class Plumbing {
  private static final Logger LOG = LoggerFactory.getLogger(Plumbing.class);
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
        MetadataProxy metadata = metadataProxy(vertx, settings, commands, stateDir);
        Dnsmasq dnsmasq = new Dnsmasq(vertx, commands, stateDir.resolve("dhcp"),
            Duration.ofSeconds(settings.getLong("agent.network.dhcp.lease.seconds")), metadata != null);
        yield new LinuxBridgePlumber(new LinuxLinks(commands), dnsmasq, metadata, network, host);
      }
      default -> throw new IllegalArgumentException("unknown " + NetworkPlumber.SETTING + " '" + kind
          + "': known are linuxbridge, none");
    };
  }

  /** The networks' metadata proxies, or null (no metadata for guests) when no shared secret is configured. */
  private static MetadataProxy metadataProxy(Vertx vertx, Settings settings, HostCommands commands, Path stateDir) {
    String secret = settings.get(MetadataSignature.SECRET_SETTING);
    if (secret.isBlank()) {
      LOG.warn("{} is empty: guests get no metadata (169.254.169.254)", MetadataSignature.SECRET_SETTING);
      return null;
    }
    return new MetadataProxy(vertx, commands, stateDir.resolve("metadata"), secret, metadataTarget(settings));
  }

  /** {@code host:port} of the metadata API: {@code metadata.proxy.target}, else public.host and metadata.port. */
  public static String metadataTarget(Settings settings) {
    String target = settings.get("metadata.proxy.target");
    return target.isBlank() ? settings.get("public.host") + ":" + settings.get("metadata.port") : target;
  }
}
