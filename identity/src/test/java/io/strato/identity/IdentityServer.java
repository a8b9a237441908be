package io.strato.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.auth.TokenVerifier;
import io.strato.common.config.Settings;
import io.strato.common.db.Database;
import io.strato.embedded.Ports;
import io.strato.embedded.SharedInfrastructure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * A real identity service for one test class, on the shared PostgreSQL (the {@code keystone} schema every identity
 * test shares, so the bootstrap passwords are IdentityApiTest's), with settings of its own, plus helpers to act as
 * its users. Close it after the class.
 */
final class IdentityServer implements AutoCloseable {
  static final String ADMIN_PASSWORD = "s3cret-admin";
  final Vertx vertx = Vertx.vertx();
  final WebClient http = WebClient.create(vertx);
  final int port = Ports.free();
  final Settings settings;

  IdentityServer(Map<String, String> overrides) {
    Map<String, String> all = new HashMap<>(Map.of(
        "identity.port", String.valueOf(port),
        "identity.url", "http://127.0.0.1:" + port,
        "identity.bootstrap.admin.password", ADMIN_PASSWORD,
        "identity.demo.password", "demo-pass",
        "identity.password.iterations", "10000",
        "token.revocation.poll.ms", "200"));
    all.putAll(overrides);
    settings = SharedInfrastructure.settings().with(all);
    await(vertx.deployVerticle(new IdentityService(IdentityConfig.from(settings))));
  }

  @Override
  public void close() {
    await(vertx.close());
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Polls {@code condition} with a short back-off until it holds, failing after 10 s. */
  static void eventually(Supplier<Boolean> condition) {
    long deadline = System.currentTimeMillis() + 10_000;
    long pause = 10;
    while (!condition.get()) {
      if (System.currentTimeMillis() > deadline) throw new AssertionError("condition not met within 10 s");
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pause));
      pause = Math.min(pause * 2, 200);
    }
  }

  Future<HttpResponse<Buffer>> send(HttpMethod method, String path, String token, Object body,
      Map<String, String> headers) {
    var req = http.request(method, port, "127.0.0.1", path);
    if (token != null) req.putHeader("X-Auth-Token", token);
    headers.forEach(req::putHeader);
    if (body == null) return req.send();
    return body instanceof JsonObject j ? req.sendJsonObject(j) : req.sendBuffer(Buffer.buffer(body.toString()));
  }

  HttpResponse<Buffer> call(HttpMethod method, String path, String token, Object body) {
    return await(send(method, path, token, body, Map.of()));
  }

  static JsonObject passwordAuth(String user, String password, String project) {
    JsonObject auth = new JsonObject().put("identity", new JsonObject().put("methods", new JsonArray().add("password"))
        .put("password", new JsonObject().put("user", new JsonObject().put("name", user)
            .put("domain", new JsonObject().put("id", "default")).put("password", password))));
    if (project != null) {
      auth.put("scope", new JsonObject().put("project", new JsonObject().put("name", project)
          .put("domain", new JsonObject().put("id", "default"))));
    }
    return new JsonObject().put("auth", auth);
  }

  static JsonObject tokenAuth(String token, JsonObject scope) {
    JsonObject auth = new JsonObject().put("identity", new JsonObject().put("methods", new JsonArray().add("token"))
        .put("token", new JsonObject().put("id", token)));
    if (scope != null) auth.put("scope", scope);
    return new JsonObject().put("auth", auth);
  }

  /** A password login from the given source (X-Forwarded-For, believed only from trusted proxies). */
  HttpResponse<Buffer> login(String user, String password, String project, String forwardedFor) {
    Map<String, String> headers = forwardedFor == null ? Map.of() : Map.of("X-Forwarded-For", forwardedFor);
    return await(send(HttpMethod.POST, "/v3/auth/tokens", null, passwordAuth(user, password, project), headers));
  }

  String token(String user, String password, String project) {
    var resp = login(user, password, project, null);
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(201);
    return resp.getHeader("X-Subject-Token");
  }

  String adminToken() {
    return token("admin", ADMIN_PASSWORD, "admin");
  }

  String roleId(String admin, String name) {
    return call(HttpMethod.GET, "/v3/roles?name=" + name, admin, null).bodyAsJsonObject().getJsonArray("roles")
        .getJsonObject(0).getString("id");
  }

  /** A new project, or a new user, named {@code prefix-<random>}; answers its id. */
  String create(String admin, String kind, String prefix, JsonObject extra) {
    JsonObject body = new JsonObject().put("name", prefix + "-" + UUID.randomUUID().toString().substring(0, 8))
        .mergeIn(extra);
    var resp = call(HttpMethod.POST, "/v3/" + kind + "s", admin, new JsonObject().put(kind, body));
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(201);
    return resp.bodyAsJsonObject().getJsonObject(kind).getString("id");
  }

  String name(String admin, String kind, String id) {
    return call(HttpMethod.GET, "/v3/" + kind + "s/" + id, admin, null).bodyAsJsonObject().getJsonObject(kind)
        .getString("name");
  }

  void grant(String admin, String projectId, String userId, String roleId) {
    assertThat(call(HttpMethod.PUT, "/v3/projects/" + projectId + "/users/" + userId + "/roles/" + roleId, admin,
        null).statusCode()).isEqualTo(204);
  }

  /** What identity's own validation says of {@code subject} (200, or 404 when it no longer validates). */
  int validate(String admin, String subject) {
    return await(send(HttpMethod.GET, "/v3/auth/tokens", admin, null, Map.of("X-Subject-Token", subject)))
        .statusCode();
  }

  /** Another service's view: a TokenVerifier of its own fed by this identity's revocation events, once ready. */
  TokenVerifier verifier(Vertx on) {
    TokenVerifier verifier = new TokenVerifier(on, settings).start();
    eventually(verifier::ready);
    return verifier;
  }

  /** A keystone column read straight from PostgreSQL (what no API shows, such as a password hash). */
  String column(String sql, Object... args) {
    Pool pool = await(Database.open(vertx, settings, "keystone"));
    try {
      var rows = await(pool.preparedQuery(sql).execute(Tuple.wrap(args)));
      return rows.size() == 0 ? null : String.valueOf(rows.iterator().next().getValue(0));
    } finally {
      await(pool.close());
    }
  }
}
