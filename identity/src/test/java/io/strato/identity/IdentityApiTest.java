package io.strato.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.config.Settings;
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
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith({SharedInfrastructure.class, VertxExtension.class})
class IdentityApiTest {
  private static final String ADMIN_PASSWORD = "s3cret-admin";
  private static Vertx vertx;
  private static WebClient http;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    port = Ports.free();
    Settings settings = SharedInfrastructure.settings().with(Map.of(
        "identity.port", String.valueOf(port),
        "identity.url", "http://127.0.0.1:" + port,
        "identity.bootstrap.admin.password", ADMIN_PASSWORD,
        "identity.demo.password", "demo-pass",
        "identity.password.iterations", "10000",
        "token.revocation.poll.ms", "200"));
    vertx = Vertx.vertx();
    vertx.deployVerticle(new IdentityService(IdentityConfig.from(settings))).toCompletionStage().toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
    http = WebClient.create(vertx, new WebClientOptions().setDefaultPort(port).setDefaultHost("127.0.0.1"));
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static HttpResponse<Buffer> call(HttpMethod method, String path, String token, Object body) {
    var req = http.request(method, path);
    if (token != null) req.putHeader("X-Auth-Token", token);
    if (body == null) return await(req.send());
    return await(body instanceof JsonObject j ? req.sendJsonObject(j) : req.sendBuffer(Buffer.buffer(body.toString())));
  }

  static JsonObject passwordAuth(String user, String password, String project) {
    JsonObject auth = new JsonObject().put("identity", new JsonObject().put("methods", new io.vertx.core.json.JsonArray()
        .add("password")).put("password", new JsonObject().put("user", new JsonObject().put("name", user)
        .put("domain", new JsonObject().put("name", "Default")).put("password", password))));
    if (project != null) auth.put("scope", new JsonObject().put("project", new JsonObject().put("name", project)
        .put("domain", new JsonObject().put("id", "default"))));
    return new JsonObject().put("auth", auth);
  }

  static String token(String user, String password, String project) {
    var resp = call(HttpMethod.POST, "/v3/auth/tokens", null, passwordAuth(user, password, project));
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(201);
    return resp.getHeader("X-Subject-Token");
  }

  /** Polls until the condition holds or the deadline passes (revocation reaches services by polling). */
  static void eventually(Supplier<Boolean> condition) {
    long deadline = System.currentTimeMillis() + 10_000;
    while (!condition.get()) {
      if (System.currentTimeMillis() > deadline) throw new AssertionError("condition not met within 10 s");
      Thread.onSpinWait();
    }
  }

  @Test
  @DisplayName("GET / lists v3 as the stable version with 300 Multiple Choices")
  void versionDiscovery() {
    var resp = call(HttpMethod.GET, "/", null, null);
    assertThat(resp.statusCode()).isEqualTo(300);
    JsonObject v = resp.bodyAsJsonObject().getJsonObject("versions").getJsonArray("values").getJsonObject(0);
    assertThat(v.getString("id")).startsWith("v3.");
    assertThat(v.getString("status")).isEqualTo("stable");
    assertThat(call(HttpMethod.GET, "/v3", null, null).bodyAsJsonObject().getJsonObject("version")).isNotNull();
  }

  @Test
  @DisplayName("the admin logs in by name and domain and gets a project-scoped token with roles and a full catalog")
  void adminProjectScopedToken() {
    var resp = call(HttpMethod.POST, "/v3/auth/tokens", null, passwordAuth("admin", ADMIN_PASSWORD, "admin"));
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(201);
    assertThat(resp.getHeader("X-Subject-Token")).isNotBlank();
    JsonObject token = resp.bodyAsJsonObject().getJsonObject("token");
    assertThat(token.getJsonObject("project").getString("name")).isEqualTo("admin");
    assertThat(token.getJsonArray("roles").stream().map(r -> ((JsonObject) r).getString("name"))).contains("admin");
    assertThat(token.getJsonArray("catalog").stream().map(s -> ((JsonObject) s).getString("type")))
        .contains("identity", "compute", "image", "network", "volumev3", "block-storage");
    JsonObject compute = token.getJsonArray("catalog").stream().map(s -> (JsonObject) s)
        .filter(s -> s.getString("type").equals("compute")).findFirst().orElseThrow();
    assertThat(compute.getJsonArray("endpoints").getJsonObject(0).getString("url")).endsWith(":8774/v2.1");
    JsonObject volume = token.getJsonArray("catalog").stream().map(s -> (JsonObject) s)
        .filter(s -> s.getString("type").equals("volumev3")).findFirst().orElseThrow();
    assertThat(volume.getJsonArray("endpoints").getJsonObject(0).getString("url"))
        .endsWith("/v3/" + token.getJsonObject("project").getString("id"));
    assertThat(token.getString("expires_at")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
  }

  @Test
  @DisplayName("a user without a scope gets its default project; with methods=token it can rescope")
  void defaultProjectAndTokenMethod() {
    var resp = call(HttpMethod.POST, "/v3/auth/tokens", null, passwordAuth("demo", "demo-pass", null));
    assertThat(resp.statusCode()).isEqualTo(201);
    assertThat(resp.bodyAsJsonObject().getJsonObject("token").getJsonObject("project").getString("name"))
        .isEqualTo("demo");
    JsonObject byToken = new JsonObject().put("auth", new JsonObject().put("identity", new JsonObject()
        .put("methods", new io.vertx.core.json.JsonArray().add("token"))
        .put("token", new JsonObject().put("id", resp.getHeader("X-Subject-Token")))));
    var again = call(HttpMethod.POST, "/v3/auth/tokens", null, byToken);
    assertThat(again.statusCode()).isEqualTo(201);
    assertThat(again.bodyAsJsonObject().getJsonObject("token").getJsonArray("methods").getString(0)).isEqualTo("token");
  }

  @Test
  @DisplayName("bad credentials and bad bodies answer Keystone's error body, never a 500")
  void badInputs() {
    var wrong = call(HttpMethod.POST, "/v3/auth/tokens", null, passwordAuth("admin", "wrong", "admin"));
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.bodyAsJsonObject().getJsonObject("error").getInteger("code")).isEqualTo(401);
    assertThat(call(HttpMethod.POST, "/v3/auth/tokens", null, passwordAuth("nobody", "x", null)).statusCode())
        .isEqualTo(401);
    assertThat(call(HttpMethod.POST, "/v3/auth/tokens", null, passwordAuth("demo", "demo-pass", "admin"))
        .statusCode()).as("no role on the admin project").isEqualTo(401);
    var malformed = call(HttpMethod.POST, "/v3/auth/tokens", null, "{not json");
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.bodyAsJsonObject().getJsonObject("error").getString("title")).isEqualTo("Bad Request");
    assertThat(call(HttpMethod.POST, "/v3/auth/tokens", null, new JsonObject().put("auth", 5)).statusCode())
        .isEqualTo(400);
    assertThat(call(HttpMethod.POST, "/v3/auth/tokens", null, new JsonObject().put("auth", new JsonObject()))
        .statusCode()).isEqualTo(400);
    var big = call(HttpMethod.POST, "/v3/auth/tokens", null, "{\"x\":\"" + "a".repeat(2_000_000) + "\"}");
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(call(HttpMethod.GET, "/v3/users", "forged.token", null).statusCode()).isEqualTo(401);
    assertThat(call(HttpMethod.GET, "/v3/users", null, null).statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName("project tags that are not a list of valid tag strings answer 400 on create and update")
  void badProjectTags() {
    String admin = token("admin", ADMIN_PASSWORD, "admin");
    for (Object tags : List.of("x", new JsonObject(), new JsonArray().add(new JsonObject().put("x", "t")),
        new JsonArray().add(""), new JsonArray().add("a/b"), new JsonArray().add("a,b"))) {
      var created = call(HttpMethod.POST, "/v3/projects", admin, new JsonObject().put("project", new JsonObject()
          .put("name", "tags-" + java.util.UUID.randomUUID()).put("tags", tags)));
      assertThat(created.statusCode()).as("create with tags " + tags).isEqualTo(400);
      var updated = call(HttpMethod.PATCH, "/v3/projects/" + projectIdOf(admin, "admin"), admin, new JsonObject()
          .put("project", new JsonObject().put("tags", tags)));
      assertThat(updated.statusCode()).as("update with tags " + tags).isEqualTo(400);
      assertThat(updated.bodyAsJsonObject().getJsonObject("error").getInteger("code")).isEqualTo(400);
    }
  }

  private static String projectIdOf(String token, String name) {
    return call(HttpMethod.GET, "/v3/projects?name=" + name, token, null).bodyAsJsonObject().getJsonArray("projects")
        .getJsonObject(0).getString("id");
  }

  @Test
  @DisplayName("an admin creates a project and a user, grants a role, and the assignment is listed; members get 403")
  void projectsUsersRoles() {
    String admin = token("admin", ADMIN_PASSWORD, "admin");
    var project = call(HttpMethod.POST, "/v3/projects", admin, new JsonObject().put("project",
        new JsonObject().put("name", "team-a").put("description", "A team")));
    assertThat(project.statusCode()).isEqualTo(201);
    String projectId = project.bodyAsJsonObject().getJsonObject("project").getString("id");
    assertThat(call(HttpMethod.POST, "/v3/projects", admin, new JsonObject().put("project",
        new JsonObject().put("name", "team-a"))).statusCode()).isEqualTo(409);
    var user = call(HttpMethod.POST, "/v3/users", admin, new JsonObject().put("user", new JsonObject()
        .put("name", "alice").put("password", "alice-pw").put("default_project_id", projectId)));
    assertThat(user.statusCode()).isEqualTo(201);
    String userId = user.bodyAsJsonObject().getJsonObject("user").getString("id");
    assertThat(user.bodyAsJsonObject().getJsonObject("user").containsKey("password")).isFalse();
    String memberRole = call(HttpMethod.GET, "/v3/roles?name=member", admin, null).bodyAsJsonObject()
        .getJsonArray("roles").getJsonObject(0).getString("id");
    assertThat(call(HttpMethod.PUT, "/v3/projects/" + projectId + "/users/" + userId + "/roles/" + memberRole,
        admin, null).statusCode()).isEqualTo(204);
    var assignments = call(HttpMethod.GET, "/v3/role_assignments?user.id=" + userId + "&include_names", admin, null);
    JsonObject a = assignments.bodyAsJsonObject().getJsonArray("role_assignments").getJsonObject(0);
    assertThat(a.getJsonObject("role").getString("name")).isEqualTo("member");
    assertThat(a.getJsonObject("scope").getJsonObject("project").getString("name")).isEqualTo("team-a");

    String alice = token("alice", "alice-pw", "team-a");
    var forbidden = call(HttpMethod.POST, "/v3/projects", alice, new JsonObject().put("project",
        new JsonObject().put("name", "mine")));
    assertThat(forbidden.statusCode()).isEqualTo(403);
    assertThat(call(HttpMethod.GET, "/v3/users", alice, null).statusCode()).isEqualTo(403);
    assertThat(call(HttpMethod.GET, "/v3/users/" + userId, alice, null).statusCode()).isEqualTo(200);
    var listProjects = call(HttpMethod.GET, "/v3/projects?name=team-a", alice, null);
    assertThat(listProjects.statusCode()).as("identity:list_projects is not a member's (it has /v3/auth/projects)")
        .isEqualTo(403);
    assertThat(call(HttpMethod.GET, "/v3/auth/projects", alice, null).bodyAsJsonObject().getJsonArray("projects"))
        .hasSize(1);
    assertThat(call(HttpMethod.GET, "/v3/projects/nope", admin, null).statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("a revoked token, and every token of a disabled user, is refused within seconds")
  void revocation() {
    String admin = token("admin", ADMIN_PASSWORD, "admin");
    var user = call(HttpMethod.POST, "/v3/users", admin, new JsonObject().put("user", new JsonObject()
        .put("name", "bob").put("password", "bob-pw")));
    String bobId = user.bodyAsJsonObject().getJsonObject("user").getString("id");
    String bob = token("bob", "bob-pw", null);
    String bob2 = token("bob", "bob-pw", null);
    assertThat(call(HttpMethod.GET, "/v3/users/" + bobId, bob, null).statusCode()).isEqualTo(200);

    var revoke = http.request(HttpMethod.DELETE, "/v3/auth/tokens").putHeader("X-Auth-Token", admin)
        .putHeader("X-Subject-Token", bob).send();
    assertThat(await(revoke).statusCode()).isEqualTo(204);
    eventually(() -> call(HttpMethod.GET, "/v3/users/" + bobId, bob, null).statusCode() == 401);
    assertThat(call(HttpMethod.GET, "/v3/users/" + bobId, bob2, null).statusCode()).isEqualTo(200);

    assertThat(call(HttpMethod.PATCH, "/v3/users/" + bobId, admin, new JsonObject().put("user",
        new JsonObject().put("enabled", false))).statusCode()).isEqualTo(200);
    eventually(() -> call(HttpMethod.GET, "/v3/users/" + bobId, bob2, null).statusCode() == 401);
    assertThat(call(HttpMethod.POST, "/v3/auth/tokens", null, passwordAuth("bob", "bob-pw", null)).statusCode())
        .isEqualTo(401);
  }
}
