package io.strato.gateway;

import io.strato.common.config.Settings;
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
import java.util.Map;

/**
 * Identity, the image service and the compute API, started once per test JVM on the shared Kafka and PostgreSQL,
 * with one public, active image ({@link #imageId}) to boot from.
 */
final class TestCloud {
  private static TestCloud instance;

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
