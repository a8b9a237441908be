package io.strato.identity;

import io.strato.common.config.Settings;

/** Identity's typed configuration (keys documented in strato-defaults.properties). */
public record IdentityConfig(String bindHost, int port, String publicHost, String region, long tokenTtlSeconds,
    int passwordIterations, String signingKey, String adminName, String adminPassword, String adminProject,
    String demoPassword, String serviceUser, String servicePassword, String serviceProject, long maxBodyBytes,
    Settings settings) {

  public static IdentityConfig from(Settings s) {
    return new IdentityConfig(s.get("bind.host"), s.getInt("identity.port"), s.get("public.host"),
        s.get("identity.region"), s.getLong("token.ttl.seconds"), s.getInt("identity.password.iterations"),
        s.get("token.signing.key"), s.get("identity.bootstrap.admin.name"),
        s.get("identity.bootstrap.admin.password"), s.get("identity.bootstrap.project"),
        s.get("identity.demo.password"), s.get("service.user"), s.get("service.password"), s.get("service.project"),
        s.getLong("http.max.body.bytes"), s);
  }

  public String publicUrl(int port) {
    return "http://" + publicHost + ":" + port;
  }
}
