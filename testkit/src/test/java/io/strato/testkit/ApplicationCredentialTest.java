package io.strato.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.embedded.SharedInfrastructure;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Keystone application credentials: created by a user for its token's project, logged in with by id or by name and
 * user, restricted to a subset of roles, expiring, revoked with their tokens when deleted. (In testkit, as identity's
 * own tests cannot use this kit.)
 */
@ExtendWith(SharedInfrastructure.class)
class ApplicationCredentialTest {
  private static TestIdentity identity;

  @BeforeAll
  static void start() {
    identity = TestIdentity.get();
  }

  private static HttpResponse<Buffer> call(HttpMethod method, String path, String token, Object body) {
    return identity.call(method, identity.port, path, token, body, Map.of());
  }

  private static String base(TestIdentity.Member m) {
    return "/v3/users/" + m.userId() + "/application_credentials";
  }

  private static JsonObject create(TestIdentity.Member m, JsonObject fields) {
    var resp = call(HttpMethod.POST, base(m), m.token(), new JsonObject().put("application_credential", fields));
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(201);
    return resp.bodyAsJsonObject().getJsonObject("application_credential");
  }

  private static HttpResponse<Buffer> login(JsonObject credential) {
    return call(HttpMethod.POST, "/v3/auth/tokens", null, new JsonObject().put("auth", new JsonObject()
        .put("identity", new JsonObject().put("methods", new JsonArray().add("application_credential"))
            .put("application_credential", credential))));
  }

  private static void assertFault(HttpResponse<Buffer> resp, int status) {
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(status);
    assertThat(resp.bodyAsJsonObject().getJsonObject("error").getInteger("code")).isEqualTo(status);
  }

  private static void eventually(Supplier<Boolean> condition) {
    long deadline = System.currentTimeMillis() + 15_000;
    long pause = 20;
    while (!condition.get()) {
      assertThat(System.currentTimeMillis()).as("condition not met within 15 s").isLessThan(deadline);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pause));
      pause = Math.min(pause * 2, 300);
    }
  }

  @Test
  @DisplayName("a user creates a credential (secret shown once), logs in with its id and secret or its name and user:"
      + " a token of its project and roles; list and show hide the secret; delete revokes its tokens")
  void createLoginDelete() {
    var m = identity.newProject("appcred");
    JsonObject cred = create(m, new JsonObject().put("name", "ci").put("description", "for CI"));
    String secret = cred.getString("secret");
    assertThat(secret).hasSizeGreaterThan(40);
    assertThat(cred.getString("project_id")).isEqualTo(m.projectId());
    assertThat(cred.getBoolean("unrestricted")).isFalse();
    assertThat(cred.getJsonArray("roles").getJsonObject(0).getString("name")).isEqualTo("member");

    var byId = login(new JsonObject().put("id", cred.getString("id")).put("secret", secret));
    assertThat(byId.statusCode()).as(byId.bodyAsString()).isEqualTo(201);
    JsonObject token = byId.bodyAsJsonObject().getJsonObject("token");
    assertThat(token.getJsonArray("methods")).containsExactly("application_credential");
    assertThat(token.getJsonObject("project").getString("id")).isEqualTo(m.projectId());
    assertThat(token.getJsonObject("user").getString("id")).isEqualTo(m.userId());
    assertThat(token.getJsonObject("application_credential").getString("id")).isEqualTo(cred.getString("id"));
    assertThat(token.getJsonObject("application_credential").getBoolean("restricted")).isTrue();
    assertThat(token.getJsonArray("catalog")).isNotEmpty();
    String wire = byId.getHeader("X-Subject-Token");
    assertThat(call(HttpMethod.GET, "/v3/auth/projects", wire, null).statusCode()).isEqualTo(200);

    var byName = login(new JsonObject().put("name", "ci").put("secret", secret)
        .put("user", new JsonObject().put("id", m.userId())));
    assertThat(byName.statusCode()).as(byName.bodyAsString()).isEqualTo(201);
    assertFault(login(new JsonObject().put("id", cred.getString("id")).put("secret", secret + "x")), 401);
    assertFault(login(new JsonObject().put("id", "nope").put("secret", secret)), 401);
    assertFault(call(HttpMethod.POST, "/v3/auth/tokens", null, new JsonObject().put("auth", new JsonObject()
        .put("identity", new JsonObject().put("methods", new JsonArray().add("application_credential"))
            .put("application_credential", new JsonObject().put("id", cred.getString("id")).put("secret", secret)))
        .put("scope", new JsonObject().put("project", new JsonObject().put("id", m.projectId()))))), 401);

    JsonArray listed = call(HttpMethod.GET, base(m) + "?name=ci", m.token(), null).bodyAsJsonObject()
        .getJsonArray("application_credentials");
    assertThat(listed).hasSize(1);
    assertThat(listed.getJsonObject(0).containsKey("secret")).isFalse();
    JsonObject shown = call(HttpMethod.GET, base(m) + "/" + cred.getString("id"), m.token(), null)
        .bodyAsJsonObject().getJsonObject("application_credential");
    assertThat(shown.getString("name")).isEqualTo("ci");
    assertThat(shown.containsKey("secret")).isFalse();
    assertFault(call(HttpMethod.POST, base(m), m.token(), new JsonObject().put("application_credential",
        new JsonObject().put("name", "ci"))), 409);

    assertThat(call(HttpMethod.DELETE, base(m) + "/" + cred.getString("id"), m.token(), null).statusCode())
        .isEqualTo(204);
    eventually(() -> call(HttpMethod.GET, "/v3/auth/projects", wire, null).statusCode() == 401);
    assertFault(login(new JsonObject().put("id", cred.getString("id")).put("secret", secret)), 401);
    assertFault(call(HttpMethod.GET, base(m) + "/" + cred.getString("id"), m.token(), null), 404);
  }

  @Test
  @DisplayName("roles are a subset of the token's (a role not held: 404); a user losing a role can no longer log in"
      + " with it; a restricted credential's token cannot make credentials, an unrestricted one's can")
  void rolesAndRestriction() {
    var m = identity.newProject("appcred-roles");
    String admin = identity.adminToken();
    String readerRole = call(HttpMethod.GET, "/v3/roles?name=reader", admin, null).bodyAsJsonObject()
        .getJsonArray("roles").getJsonObject(0).getString("id");
    String grant = "/v3/projects/" + m.projectId() + "/users/" + m.userId() + "/roles/" + readerRole;
    assertThat(call(HttpMethod.PUT, grant, admin, null).statusCode()).isEqualTo(204);
    String userName = call(HttpMethod.GET, "/v3/users/" + m.userId(), admin, null).bodyAsJsonObject()
        .getJsonObject("user").getString("name");
    var member = new TestIdentity.Member(m.projectId(), m.userId(), identity.token(userName, "pw-" + userName,
        userName));

    JsonObject readOnly = create(member, new JsonObject().put("name", "ro").put("roles", new JsonArray()
        .add(new JsonObject().put("name", "reader"))));
    assertThat(readOnly.getJsonArray("roles")).hasSize(1);
    var token = login(new JsonObject().put("id", readOnly.getString("id")).put("secret", readOnly.getString("secret")));
    assertThat(token.bodyAsJsonObject().getJsonObject("token").getJsonArray("roles").stream()
        .map(r -> ((JsonObject) r).getString("name"))).containsExactly("reader");
    assertFault(call(HttpMethod.POST, base(member), member.token(), new JsonObject().put("application_credential",
        new JsonObject().put("name", "too-much").put("roles", new JsonArray()
            .add(new JsonObject().put("name", "admin"))))), 404);

    String restrictedToken = token.getHeader("X-Subject-Token");
    assertFault(call(HttpMethod.POST, base(member), restrictedToken, new JsonObject().put("application_credential",
        new JsonObject().put("name", "child"))), 403);
    JsonObject open = create(member, new JsonObject().put("name", "open").put("unrestricted", true));
    String openToken = login(new JsonObject().put("id", open.getString("id")).put("secret", open.getString("secret")))
        .getHeader("X-Subject-Token");
    assertThat(call(HttpMethod.POST, base(member), openToken, new JsonObject().put("application_credential",
        new JsonObject().put("name", "child"))).statusCode()).isEqualTo(201);

    assertThat(call(HttpMethod.DELETE, grant, admin, null).statusCode()).isEqualTo(204);
    assertFault(login(new JsonObject().put("id", readOnly.getString("id")).put("secret", readOnly.getString("secret"))),
        401);
  }

  @Test
  @DisplayName("an expiring credential logs in until it expires (its tokens no later), then 401; bad input 400, other"
      + " users 403, an admin lists any user's")
  void expiryPolicyAndBadInput() {
    var m = identity.newProject("appcred-exp");
    Instant soon = Instant.now().plusSeconds(3);
    JsonObject cred = create(m, new JsonObject().put("name", "short").put("expires_at", soon.toString()));
    var token = login(new JsonObject().put("id", cred.getString("id")).put("secret", cred.getString("secret")));
    assertThat(token.statusCode()).as(token.bodyAsString()).isEqualTo(201);
    assertThat(Instant.parse(token.bodyAsJsonObject().getJsonObject("token").getString("expires_at")))
        .isBeforeOrEqualTo(soon);
    eventually(() -> login(new JsonObject().put("id", cred.getString("id")).put("secret", cred.getString("secret")))
        .statusCode() == 401);

    for (JsonObject bad : new JsonObject[] {new JsonObject(), new JsonObject().put("name", 5),
        new JsonObject().put("name", "x").put("expires_at", "tomorrow"),
        new JsonObject().put("name", "x").put("expires_at", "2001-01-01T00:00:00Z"),
        new JsonObject().put("name", "x").put("roles", "member"),
        new JsonObject().put("name", "x").put("bogus", true)}) {
      assertFault(call(HttpMethod.POST, base(m), m.token(), new JsonObject().put("application_credential", bad)), 400);
    }
    var other = identity.newProject("appcred-other");
    assertFault(call(HttpMethod.POST, base(m), other.token(), new JsonObject().put("application_credential",
        new JsonObject().put("name", "intruder"))), 403);
    assertFault(call(HttpMethod.GET, base(m), other.token(), null), 403);
    assertFault(call(HttpMethod.DELETE, base(m) + "/" + cred.getString("id"), other.token(), null), 403);
    assertThat(call(HttpMethod.GET, base(m), identity.adminToken(), null).bodyAsJsonObject()
        .getJsonArray("application_credentials")).hasSize(1);
  }
}
