package io.strato.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.config.Settings;
import io.strato.embedded.Ports;
import io.strato.embedded.SharedInfrastructure;
import io.strato.identity.IdentityConfig;
import io.strato.identity.IdentityService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Identity and the compute API, started once per test JVM on the shared Kafka and PostgreSQL, plus a stand-in
 * for the image service (the only fake: a Glance that knows one active image), and helpers to act as users.
 */
final class TestCloud {
  static final String ADMIN_PASSWORD = "admin-secret";
  static final String IMAGE_ID = UUID.randomUUID().toString();
  private static TestCloud instance;

  final Vertx vertx = Vertx.vertx();
  final Settings settings;
  final WebClient http;
  final int computePort;
  final int identityPort;

  private TestCloud() {
    identityPort = Ports.free();
    computePort = Ports.free();
    int imagePort = Ports.free();
    settings = SharedInfrastructure.settings().with(Map.of(
        "identity.port", String.valueOf(identityPort),
        "identity.url", "http://127.0.0.1:" + identityPort,
        "compute.port", String.valueOf(computePort),
        "image.url", "http://127.0.0.1:" + imagePort,
        "identity.bootstrap.admin.password", ADMIN_PASSWORD,
        "identity.password.iterations", "10000",
        "token.revocation.poll.ms", "500",
        "gateway.outbox.poll.ms", "200"));
    await(vertx.deployVerticle(new IdentityService(IdentityConfig.from(settings))));
    await(fakeGlance(imagePort));
    await(vertx.deployVerticle(new GatewayService(GatewayConfig.from(settings))));
    http = WebClient.create(vertx);
    long deadline = System.currentTimeMillis() + 20_000;
    while (call(HttpMethod.GET, "/readyz", null, null).statusCode() != 200) {
      if (System.currentTimeMillis() > deadline) throw new AssertionError("gateway never became ready");
      Thread.onSpinWait();
    }
  }

  static synchronized TestCloud get() {
    if (instance == null) instance = new TestCloud();
    return instance;
  }

  private Future<?> fakeGlance(int port) {
    return vertx.createHttpServer().requestHandler(req -> {
      if (req.path().equals("/v2/images/" + IMAGE_ID)) {
        req.response().putHeader("content-type", "application/json").end(new JsonObject().put("id", IMAGE_ID)
            .put("name", "cirros").put("status", "active").put("min_ram", 0).put("min_disk", 0).put("size", 1024)
            .put("architecture", "x86_64").put("hw_disk_bus", "virtio").encode());
      } else {
        req.response().setStatusCode(404).end();
      }
    }).listen(port);
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  HttpResponse<Buffer> call(HttpMethod method, String path, String token, Object body) {
    return call(method, computePort, path, token, body, Map.of());
  }

  HttpResponse<Buffer> call(HttpMethod method, int port, String path, String token, Object body,
      Map<String, String> headers) {
    var req = http.request(method, port, "127.0.0.1", path);
    if (token != null) req.putHeader("X-Auth-Token", token);
    headers.forEach(req::putHeader);
    if (body == null) return await(req.send());
    return await(body instanceof JsonObject j ? req.sendJsonObject(j) : req.sendBuffer(Buffer.buffer(body.toString())));
  }

  String token(String user, String password, String project) {
    JsonObject auth = new JsonObject().put("auth", new JsonObject()
        .put("identity", new JsonObject().put("methods", new JsonArray().add("password"))
            .put("password", new JsonObject().put("user", new JsonObject().put("name", user)
                .put("domain", new JsonObject().put("id", "default")).put("password", password))))
        .put("scope", new JsonObject().put("project", new JsonObject().put("name", project)
            .put("domain", new JsonObject().put("id", "default")))));
    var resp = call(HttpMethod.POST, identityPort, "/v3/auth/tokens", null, auth, Map.of());
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(201);
    return resp.getHeader("X-Subject-Token");
  }

  String adminToken() {
    return token("admin", ADMIN_PASSWORD, "admin");
  }

  /** A new project with a member user; answers the project id and the member's token. */
  Member newProject(String prefix) {
    String admin = adminToken();
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    String projectId = call(HttpMethod.POST, identityPort, "/v3/projects", admin,
        new JsonObject().put("project", new JsonObject().put("name", name)), Map.of())
        .bodyAsJsonObject().getJsonObject("project").getString("id");
    String userId = call(HttpMethod.POST, identityPort, "/v3/users", admin, new JsonObject().put("user",
        new JsonObject().put("name", name).put("password", "pw-" + name)), Map.of())
        .bodyAsJsonObject().getJsonObject("user").getString("id");
    String memberRole = call(HttpMethod.GET, identityPort, "/v3/roles?name=member", admin, null, Map.of())
        .bodyAsJsonObject().getJsonArray("roles").getJsonObject(0).getString("id");
    call(HttpMethod.PUT, identityPort, "/v3/projects/" + projectId + "/users/" + userId + "/roles/" + memberRole,
        admin, null, Map.of());
    return new Member(projectId, userId, token(name, "pw-" + name, name));
  }

  record Member(String projectId, String userId, String token) {}

  static JsonObject server(String name) {
    return new JsonObject().put("server", new JsonObject().put("name", name).put("imageRef", IMAGE_ID)
        .put("flavorRef", "1").put("min_count", 1).put("max_count", 1));
  }
}
