package io.strato.gateway;

import io.strato.common.config.Settings;
import java.util.Arrays;
import java.util.List;

/** The gateway's typed configuration (keys documented in strato-defaults.properties). */
public record GatewayConfig(String bindHost, int port, String publicHost, long maxBodyBytes, String imageUrl,
    String defaultAz, List<String> availabilityZones, long outboxPollMs, QuotaDefaults quotas, Settings settings) {

  /** Default limits of every project, overridable per project through os-quota-sets. -1 is unlimited. */
  public record QuotaDefaults(int instances, int cores, int ram, int keyPairs, int serverGroups,
      int serverGroupMembers) {}

  public static GatewayConfig from(Settings s) {
    String image = s.get("image.url").isBlank()
        ? "http://" + s.get("public.host") + ":" + s.get("image.port") : s.get("image.url");
    return new GatewayConfig(s.get("bind.host"), s.getInt("compute.port"), s.get("public.host"),
        s.getLong("http.max.body.bytes"), image, s.get("compute.default.az"),
        Arrays.stream(s.get("compute.availability.zones").split(",")).map(String::trim).filter(z -> !z.isEmpty())
            .toList(),
        s.getLong("gateway.outbox.poll.ms"),
        new QuotaDefaults(s.getInt("quota.instances"), s.getInt("quota.cores"), s.getInt("quota.ram"),
            s.getInt("quota.key.pairs"), s.getInt("quota.server.groups"), s.getInt("quota.server.group.members")),
        s);
  }

  /** Where the compute API finds {@code network} or {@code volume}: {@code <service>.url}, else public.host:port. */
  public String serviceUrl(String service) {
    String url = settings.get(service + ".url");
    return url.isBlank() ? "http://" + publicHost + ":" + settings.get(service + ".port") : url;
  }

  public String baseUrl() {
    return "http://" + publicHost + ":" + port;
  }
}
