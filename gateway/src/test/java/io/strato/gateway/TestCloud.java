package io.strato.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.config.Settings;
import io.strato.common.db.Database;
import io.strato.image.ImageConfig;
import io.strato.image.ImageService;
import io.strato.testkit.TestDisks;
import io.strato.testkit.TestIdentity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import java.util.UUID;

/**
 * Identity, the image service and the compute API, started once per test JVM on the shared Kafka and PostgreSQL,
 * with one public, active image ({@link #imageId}) to boot from.
 */
final class TestCloud {
  private static TestCloud instance;
  private Pool nova;

  final TestIdentity identity = TestIdentity.get();
  final Vertx vertx = identity.vertx;
  final WebClient http = identity.http;
  final Settings settings;
  final int computePort = identity.settings.getInt("compute.port");
  final int imagePort = identity.settings.getInt("image.port");
  final String imageId;

  private TestCloud() {
    try {
      settings = identity.settings.with(Map.of(
          "image.store.dir", Files.createTempDirectory("strato-images").toString(),
          "gateway.outbox.poll.ms", "200", "outbox.max.attempts", "2", "outbox.retry.initial.ms", "200",
          "outbox.send.timeout.ms", "2000",
          // A fixed number of create writers, whatever the machine's cores (CreatePathTest counts transactions).
          "compute.verticle.instances", "2"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    await(vertx.deployVerticle(new ImageService(ImageConfig.from(settings))));
    await(vertx.deployVerticle(new GatewayService(GatewayConfig.from(settings))));
    identity.awaitReady(imagePort);
    identity.awaitReady(computePort);
    imageId = publicImage();
  }

  static synchronized TestCloud get() {
    if (instance == null) instance = new TestCloud();
    return instance;
  }

  /** An active public image with an architecture property, made through the image API by the admin. */
  private String publicImage() {
    String admin = adminToken();
    JsonObject image = identity.call(HttpMethod.POST, imagePort, "/v2/images", admin, new JsonObject()
        .put("name", "cirros-test").put("disk_format", "qcow2").put("container_format", "bare")
        .put("visibility", "public").put("architecture", "x86_64"), Map.of()).bodyAsJsonObject();
    String id = image.getString("id");
    var upload = identity.call(HttpMethod.PUT, imagePort, "/v2/images/" + id + "/file", admin,
        Buffer.buffer(TestDisks.qcow2(4096, 1)), Map.of("Content-Type", "application/octet-stream"));
    if (upload.statusCode() != 204) throw new AssertionError("image upload failed: " + upload.bodyAsString());
    return id;
  }

  /** The {@code nova} schema, opened once, for tests that stand in for the conductor. */
  synchronized Pool nova() {
    if (nova == null) nova = await(Database.open(vertx, settings, "nova"));
    return nova;
  }

  /** Records the server as the conductor does once its build or action ended: {@code vmState}, no task, on a host. */
  void settle(String serverId, String vmState, String host) {
    await(nova().preparedQuery("UPDATE instances SET vm_state = $2, task_state = NULL, host = $3 WHERE id = $1")
        .execute(Tuple.of(UUID.fromString(serverId), vmState, host)));
  }

  /** Asserts a compute fault: the status, the fault's name in the body with that code, a message containing text. */
  static void assertFault(HttpResponse<Buffer> resp, int status, String name, String message) {
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(status);
    JsonObject fault = resp.bodyAsJsonObject().getJsonObject(name);
    assertThat(fault).as(resp.bodyAsString()).isNotNull();
    assertThat(fault.getInteger("code")).isEqualTo(status);
    assertThat(fault.getString("message")).contains(message);
  }

  static <T> T await(Future<T> f) {
    return TestIdentity.await(f);
  }

  HttpResponse<Buffer> call(HttpMethod method, String path, String token, Object body) {
    return identity.call(method, computePort, path, token, body, Map.of());
  }

  HttpResponse<Buffer> call(HttpMethod method, int port, String path, String token, Object body,
      Map<String, String> headers) {
    return identity.call(method, port, path, token, body, headers);
  }

  String adminToken() {
    return identity.adminToken();
  }

  TestIdentity.Member newProject(String prefix) {
    return identity.newProject(prefix);
  }

  JsonObject server(String name) {
    return new JsonObject().put("server", new JsonObject().put("name", name).put("imageRef", imageId)
        .put("flavorRef", "1").put("min_count", 1).put("max_count", 1));
  }
}
