package io.strato.network;

import io.strato.common.config.Settings;

/** The network service's typed configuration (keys documented in strato-defaults.properties). */
public record NetworkConfig(String bindHost, int port, String publicHost, long maxBodyBytes, int mtu, String macPrefix,
    String bootstrapCidr, Settings settings) {

  public NetworkConfig {
    if (!macPrefix.matches("[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}")) {
      throw new IllegalArgumentException("network.mac.prefix must look like fa:16:3e, not '" + macPrefix + "'");
    }
    if (Integer.parseInt(macPrefix.substring(0, 2), 16) % 2 == 1) {
      throw new IllegalArgumentException("network.mac.prefix must be unicast (even first octet): " + macPrefix);
    }
    if (mtu < 68) throw new IllegalArgumentException("network.mtu must be at least 68, not " + mtu);
    if (!bootstrapCidr.isBlank() && Cidr.parseOrNull(bootstrapCidr, true) == null) {
      throw new IllegalArgumentException("network.bootstrap.private.cidr is not a CIDR: " + bootstrapCidr);
    }
  }

  public static NetworkConfig from(Settings s) {
    return new NetworkConfig(s.get("bind.host"), s.getInt("network.port"), s.get("public.host"),
        s.getLong("http.max.body.bytes"), s.getInt("network.mtu"), s.get("network.mac.prefix").toLowerCase(),
        s.get("network.bootstrap.private.cidr"), s);
  }

  public String baseUrl() {
    return "http://" + publicHost + ":" + port;
  }
}
