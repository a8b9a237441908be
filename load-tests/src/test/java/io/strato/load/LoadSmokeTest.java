package io.strato.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.config.Settings;
import io.strato.embedded.SharedInfrastructure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A few seconds of each Gatling simulation against the all-in-one in this JVM (shared Kafka and PostgreSQL, a fleet
 * of 10 simulated hosts), with tiny numbers: the simulations run, their assertions hold, and they write their HTML
 * report. The full runs are {@code ./strato bench boot-storm} and {@code ./strato bench batch}.
 */
@ExtendWith(SharedInfrastructure.class)
class LoadSmokeTest {
  private static TestCloud cloud;
  private static Path dir;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("strato-load");
    Settings shared = SharedInfrastructure.settings();
    cloud = new TestCloud(shared.with(Map.of("identity.password.iterations", "10000")),
        Map.of("STRATO_KAFKA_BOOTSTRAP", shared.get("kafka.bootstrap"), "STRATO_PG_URI", shared.get("pg.uri")),
        dir, 10);
  }

  @AfterAll
  static void stop() {
    if (cloud != null) cloud.close();
  }

  @Test
  @DisplayName("REST boot storm: 12 servers by 3 users reach ACTIVE and are deleted, with no failed request")
  void bootStorm() throws Exception {
    Properties figures = run(BootStormSimulation.class, Map.of("load.servers", "12", "load.users", "3",
        "load.accept.p99.ms", "5000"));
    assertThat(figures.getProperty("accepted")).isEqualTo("12");
    assertThat(figures.getProperty("active")).isEqualTo("12");
    assertThat(figures.getProperty("errors")).isEqualTo("0");
    assertThat(Long.parseLong(figures.getProperty("active_p99_ms"))).as("p99 POST to ACTIVE").isLessThan(30_000);
  }

  @Test
  @DisplayName("open model: boots arriving at 4/s for 3 s all reach ACTIVE, timed by the cloud's own clock")
  void openModel() throws Exception {
    Properties figures = run(BootOpenSimulation.class, Map.of("load.rate", "4", "load.duration.s", "3",
        "load.flavor", CloudSetup.NANO_FLAVOR));
    assertThat(figures.getProperty("accepted")).isEqualTo("12");
    assertThat(figures.getProperty("active")).isEqualTo("12");
    assertThat(figures.getProperty("errors")).isEqualTo("0");
    assertThat(Long.parseLong(figures.getProperty("active_p50_ms"))).as("p50 create to launch").isPositive()
        .isLessThanOrEqualTo(Long.parseLong(figures.getProperty("active_p99_ms")));
    Path timeline = Figures.timelineFile(dir.resolve("BootOpenSimulation.properties"));
    assertThat(timeline).as("the plot of boots/s and p99 over time").exists();
    assertThat(Files.readString(timeline)).contains("<svg").contains("12 servers ACTIVE");
  }

  @Test
  @DisplayName("Kafka batches: 3 batches (12 entries) reach ACTIVE once each, with no error or duplicate")
  void batches() throws Exception {
    Properties figures = run(BatchSimulation.class, Map.of("load.servers", "12", "load.batch.size", "5"));
    assertThat(figures.getProperty("active")).isEqualTo("12");
    assertThat(figures.getProperty("errors")).isEqualTo("0");
    assertThat(figures.getProperty("duplicates")).isEqualTo("0");
    assertThat(Long.parseLong(figures.getProperty("active_p99_ms"))).as("p99 publish to ACTIVE").isLessThan(30_000);
  }

  @Test
  @DisplayName("mixed reads: list, detail and show answer while a small storm boots, with no failed request")
  void mixedReads() throws Exception {
    Properties figures = run(MixedReadSimulation.class, Map.of("load.servers", "8", "load.users", "2",
        "load.readers", "2", "load.read.p99.ms", "5000", "load.accept.p99.ms", "5000"));
    assertThat(figures.getProperty("active")).isEqualTo("8");
  }

  private static Properties run(Class<?> simulation, Map<String, String> extra) throws Exception {
    Path result = dir.resolve(simulation.getSimpleName() + ".properties");
    Map<String, String> props = new HashMap<>(cloud.target());
    props.putAll(extra);
    props.put("load.poll.ms", "100");
    props.put("load.active.timeout.s", "60");
    props.put("load.result.file", result.toString());
    GatlingRunner.Result run = GatlingRunner.run(simulation, Path.of("target", "gatling"), props);
    assertThat(run.report()).as("the HTML report of " + simulation.getSimpleName()).isNotNull();
    assertThat(run.exitCode()).as(simulation.getSimpleName() + " assertions (report: " + run.report() + ")")
        .isZero();
    Properties figures = new Properties();
    try (var r = Files.newBufferedReader(result)) {
      figures.load(r);
    }
    return figures;
  }
}
