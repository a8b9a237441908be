package io.strato.conductor;

import io.strato.common.config.Settings;
import java.time.Duration;

/** The conductor's typed configuration (keys documented in strato-defaults.properties). */
public record ConductorConfig(String bindHost, int port, long maxBodyBytes, Duration buildTimeout,
    Duration reconcileInterval, Settings settings) {

  public static ConductorConfig from(Settings s) {
    return new ConductorConfig(s.get("bind.host"), s.getInt("conductor.port"), s.getLong("http.max.body.bytes"),
        Duration.ofSeconds(s.getLong("conductor.build.timeout.seconds")),
        Duration.ofSeconds(s.getLong("conductor.reconcile.interval.seconds")), s);
  }
}
