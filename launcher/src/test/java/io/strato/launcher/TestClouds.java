package io.strato.launcher;

import io.strato.common.config.Settings;
import io.strato.embedded.Ports;
import io.strato.embedded.SharedInfrastructure;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** How the launcher's tests start an all-in-one: free ports, a data folder of its own, the shared broker and database. */
final class TestClouds {
  private TestClouds() {}

  /** Settings for an all-in-one under {@code dir} whose host is {@code host}, with {@code extra} on top. */
  static Settings settings(Path dir, String host, Map<String, String> extra) {
    Map<String, String> overrides = new HashMap<>();
    for (String port : List.of("identity.port", "compute.port", "image.port", "network.port", "volume.port",
        "scheduler.port", "conductor.port", "agent.port")) {
      overrides.put(port, String.valueOf(Ports.free()));
    }
    overrides.put("aio.data.dir", dir.resolve("data").toString());
    overrides.put("aio.clouds.dir", dir.toString());
    overrides.put("identity.password.iterations", "10000");
    overrides.put("agent.host", host);
    overrides.putAll(extra);
    return SharedInfrastructure.settings().with(overrides);
  }

  /** The shared broker and database, named as STRATO_KAFKA_BOOTSTRAP / STRATO_PG_URI would name external ones. */
  static Map<String, String> externalInfrastructure() {
    Settings shared = SharedInfrastructure.settings();
    return Map.of("STRATO_KAFKA_BOOTSTRAP", shared.get("kafka.bootstrap"), "STRATO_PG_URI", shared.get("pg.uri"));
  }
}
