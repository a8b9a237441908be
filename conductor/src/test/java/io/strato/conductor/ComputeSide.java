package io.strato.conductor;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.config.Settings;
import io.strato.common.db.Database;
import io.strato.common.kafka.KafkaSettings;
import io.strato.gateway.GatewayConfig;
import io.strato.gateway.GatewayService;
import io.strato.image.ImageConfig;
import io.strato.image.ImageService;
import io.strato.testkit.TestIdentity;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Identity, image, the compute API and the conductor, started once per test JVM on the shared Kafka and PostgreSQL
 * (every test class of this module uses the same ones), with one public, active image to boot from.
 */
final class ComputeSide {
  private static ComputeSide instance;

  final TestIdentity identity = TestIdentity.get();
  final Settings settings;
  final int computePort = identity.settings.getInt("compute.port");
  final int imagePort = identity.settings.getInt("image.port");
  final String imageId;
  /** The {@code nova} schema, for what a test must read or age directly. */
  final Pool nova;

  private ComputeSide() throws Exception {
    settings = identity.settings.with(Map.of(
        "image.store.dir", Files.createTempDirectory("conductor-images").toString(),
        "gateway.outbox.poll.ms", "200"));
    var vertx = identity.vertx;
    TestIdentity.await(vertx.deployVerticle(new ImageService(ImageConfig.from(settings))));
    TestIdentity.await(vertx.deployVerticle(new GatewayService(GatewayConfig.from(settings))));
    TestIdentity.await(vertx.deployVerticle(new ConductorService(ConductorConfig.from(settings))));
    identity.awaitReady(computePort);
    identity.awaitReady(settings.getInt("conductor.port"));
    nova = TestIdentity.await(Database.open(vertx, settings, "nova"));
    String admin = identity.adminToken();
    imageId = identity.call(HttpMethod.POST, imagePort, "/v2/images", admin, new JsonObject().put("name", "img")
        .put("disk_format", "raw").put("container_format", "bare").put("visibility", "public"), Map.of())
        .bodyAsJsonObject().getString("id");
    identity.call(HttpMethod.PUT, imagePort, "/v2/images/" + imageId + "/file", admin, Buffer.buffer(new byte[512]),
        Map.of("Content-Type", "application/octet-stream"));
  }

  /** The server as an admin sees it once {@code condition} holds, asked with a back-off for up to 30 s. */
  JsonObject awaitServer(String id, Predicate<JsonObject> condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      var resp = identity.call(HttpMethod.GET, computePort, "/v2.1/servers/" + id, identity.adminToken(), null,
          Map.of());
      JsonObject server = resp.statusCode() == 200 ? resp.bodyAsJsonObject().getJsonObject("server") : null;
      if (server != null && condition.test(server)) return server;
      assertThat(System.currentTimeMillis()).as("server " + id + " never reached the expected state: " + server)
          .isLessThan(deadline);
      Thread.sleep(100); // back-off between questions
    }
  }

  /** A producer for records the test plays in (as an agent or a batch producer would send them). */
  KafkaProducer<String, String> producer(String clientId) {
    return KafkaProducer.create(identity.vertx, KafkaSettings.producer(settings, clientId));
  }

  /**
   * Makes the instance's build look an hour old and runs the stuck-build reconciler once (a 5-minute timeout), as the
   * conductor's timer would after {@code conductor.build.timeout.seconds}; answers how many builds it ended.
   */
  int timeOutBuild(String instanceId) {
    TestIdentity.await(nova.preparedQuery("UPDATE instances SET updated_at = now() - interval '1 hour' WHERE id = $1")
        .execute(Tuple.of(UUID.fromString(instanceId))));
    return TestIdentity.await(new BuildReconciler(nova, Duration.ofMinutes(5), Duration.ofHours(1)).reconcile());
  }

  static synchronized ComputeSide get() throws Exception {
    if (instance == null) instance = new ComputeSide();
    return instance;
  }
}
