package io.strato.load;

import io.strato.common.config.Settings;
import io.strato.embedded.Ports;
import io.strato.launcher.AllInOne;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * The all-in-one in this JVM on free ports and a fresh data folder, with the compute agent in fleet mode, and the
 * {@code load.*} properties that point a simulation at it. The admin password is chosen here and written where the
 * all-in-one keeps its generated passwords, so that the simulations can act as the admin.
 */
final class TestCloud implements AutoCloseable {
  private final AllInOne cloud = new AllInOne();
  private final Settings settings;
  private final String adminPassword = UUID.randomUUID().toString();

  /** {@code env} as AllInOne.start takes it: STRATO_KAFKA_BOOTSTRAP / STRATO_PG_URI name external ones. */
  TestCloud(Settings base, Map<String, String> env, Path dir, int fleetSize) throws Exception {
    Map<String, String> overrides = new HashMap<>();
    for (String port : List.of("identity.port", "compute.port", "image.port", "network.port", "volume.port",
        "scheduler.port", "conductor.port", "agent.port")) {
      overrides.put(port, String.valueOf(Ports.free()));
    }
    Path data = dir.resolve("data");
    overrides.put("aio.data.dir", data.toString());
    overrides.put("aio.clouds.dir", dir.toString());
    overrides.put("agent.host", "load");
    overrides.put("agent.fleet.size", String.valueOf(fleetSize));
    writeSecrets(data, adminPassword);
    settings = cloud.start(base.with(overrides), env);
  }

  static void writeSecrets(Path data, String adminPassword) throws IOException {
    Files.createDirectories(data);
    Properties p = new Properties();
    p.setProperty("admin.password", adminPassword);
    p.setProperty("demo.password", UUID.randomUUID().toString());
    p.setProperty("service.password", UUID.randomUUID().toString());
    try (Writer w = Files.newBufferedWriter(data.resolve("secrets.properties"))) {
      p.store(w, "chosen by the load tests");
    }
  }

  /** The load.* properties that aim a simulation at this cloud. */
  Map<String, String> target() {
    Map<String, String> m = new HashMap<>();
    m.put("load.identity.url", "http://127.0.0.1:" + settings.get("identity.port"));
    m.put("load.compute.url", "http://127.0.0.1:" + settings.get("compute.port"));
    m.put("load.image.url", "http://127.0.0.1:" + settings.get("image.port"));
    m.put("load.network.url", "http://127.0.0.1:" + settings.get("network.port"));
    m.put("load.kafka.bootstrap", settings.get("kafka.bootstrap"));
    m.put("load.admin.user", settings.get("identity.bootstrap.admin.name"));
    m.put("load.admin.password", adminPassword);
    m.put("load.admin.project", settings.get("identity.bootstrap.project"));
    return m;
  }

  @Override
  public void close() {
    cloud.close();
  }
}
