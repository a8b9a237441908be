package io.strato.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.auth.TokenVerifier;
import io.strato.common.http.ApiException;
import io.strato.embedded.SharedInfrastructure;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tokens stop working, in identity and in every other service (a TokenVerifier of its own, as the compute, image,
 * network and volume APIs have), once what they relied on is gone.
 */
@ExtendWith(SharedInfrastructure.class)
class TokenRevocationTest {
  private static IdentityServer identity;
  private static Vertx elsewhere;
  private static TokenVerifier otherService;
  private static String admin;
  private static String member;

  @BeforeAll
  static void start() {
    identity = new IdentityServer(Map.of());
    elsewhere = Vertx.vertx();
    otherService = identity.verifier(elsewhere);
    admin = identity.adminToken();
    member = identity.roleId(admin, "member");
  }

  @AfterAll
  static void stop() {
    IdentityServer.await(elsewhere.close());
    identity.close();
  }

  private static int elsewhereStatus(String token) {
    try {
      otherService.verify(token);
      return 200;
    } catch (ApiException e) {
      return e.status();
    }
  }

  /** A new project with a new member user; answers [project id, user id, project name, user name]. */
  private static String[] memberOfNewProject(String prefix) {
    String projectId = identity.create(admin, "project", prefix, new JsonObject());
    String userId = identity.create(admin, "user", prefix, new JsonObject().put("password", "pw"));
    identity.grant(admin, projectId, userId, member);
    return new String[] {projectId, userId, identity.name(admin, "project", projectId),
        identity.name(admin, "user", userId)};
  }

  private static void assertRevokedEverywhere(String token) {
    IdentityServer.eventually(() -> identity.validate(admin, token) == 404 && elsewhereStatus(token) == 401);
  }

  @Test
  @DisplayName("removing a role assignment revokes the user's tokens on that project, in identity and elsewhere")
  void roleAssignmentRemoved() {
    String[] p = memberOfNewProject("unassigned");
    String scoped = identity.token(p[3], "pw", p[2]);
    String unscoped = identity.token(p[3], "pw", null);
    assertThat(identity.validate(admin, scoped)).isEqualTo(200);
    assertThat(elsewhereStatus(scoped)).isEqualTo(200);

    assertThat(identity.call(HttpMethod.DELETE, "/v3/projects/" + p[0] + "/users/" + p[1] + "/roles/" + member,
        admin, null).statusCode()).isEqualTo(204);

    assertRevokedEverywhere(scoped);
    assertThat(identity.validate(admin, unscoped)).as("a token that did not rely on it").isEqualTo(200);
    assertThat(identity.login(p[3], "pw", p[2], null).statusCode()).as("no role left on the project").isEqualTo(401);
  }

  @Test
  @DisplayName("disabling a project revokes every token scoped to it, in identity and elsewhere")
  void projectDisabled() {
    String[] p = memberOfNewProject("disabled");
    String scoped = identity.token(p[3], "pw", p[2]);
    assertThat(elsewhereStatus(scoped)).isEqualTo(200);

    assertThat(identity.call(HttpMethod.PATCH, "/v3/projects/" + p[0], admin, new JsonObject().put("project",
        new JsonObject().put("enabled", false))).statusCode()).isEqualTo(200);

    assertRevokedEverywhere(scoped);
    assertThat(identity.login(p[3], "pw", p[2], null).statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName("deleting a project revokes every token scoped to it, in identity and elsewhere")
  void projectDeleted() {
    String[] p = memberOfNewProject("deleted");
    String scoped = identity.token(p[3], "pw", p[2]);
    assertThat(elsewhereStatus(scoped)).isEqualTo(200);

    assertThat(identity.call(HttpMethod.DELETE, "/v3/projects/" + p[0], admin, null).statusCode()).isEqualTo(204);

    assertRevokedEverywhere(scoped);
  }

  @Test
  @DisplayName("deleting a role revokes every token that carries it")
  void roleDeleted() {
    String[] p = memberOfNewProject("role-deleted");
    var role = identity.call(HttpMethod.POST, "/v3/roles", admin, new JsonObject().put("role",
        new JsonObject().put("name", "auditor-" + p[1].substring(0, 8))));
    String roleId = role.bodyAsJsonObject().getJsonObject("role").getString("id");
    identity.grant(admin, p[0], p[1], roleId);
    String scoped = identity.token(p[3], "pw", p[2]);
    assertThat(elsewhereStatus(scoped)).isEqualTo(200);

    assertThat(identity.call(HttpMethod.DELETE, "/v3/roles/" + roleId, admin, null).statusCode()).isEqualTo(204);

    assertRevokedEverywhere(scoped);
  }

  @Test
  @DisplayName("a token got with the token method never outlives its parent and is revoked with it")
  void tokenMethodChain() {
    String[] p = memberOfNewProject("chained");
    var parent = identity.login(p[3], "pw", p[2], null);
    String parentToken = parent.getHeader("X-Subject-Token");
    JsonObject parentBody = parent.bodyAsJsonObject().getJsonObject("token");

    var child = identity.call(HttpMethod.POST, "/v3/auth/tokens", null, IdentityServer.tokenAuth(parentToken, null));
    assertThat(child.statusCode()).as(child.bodyAsString()).isEqualTo(201);
    JsonObject childBody = child.bodyAsJsonObject().getJsonObject("token");
    String childToken = child.getHeader("X-Subject-Token");
    assertThat(childBody.getString("expires_at")).isEqualTo(parentBody.getString("expires_at"));
    assertThat(childBody.getJsonArray("audit_ids").getList()).hasSize(2)
        .element(1).isEqualTo(parentBody.getJsonArray("audit_ids").getString(0));

    var grandchild = identity.call(HttpMethod.POST, "/v3/auth/tokens", null,
        IdentityServer.tokenAuth(childToken, null));
    String grandchildToken = grandchild.getHeader("X-Subject-Token");
    assertThat(grandchild.bodyAsJsonObject().getJsonObject("token").getString("expires_at"))
        .isEqualTo(parentBody.getString("expires_at"));
    assertThat(elsewhereStatus(grandchildToken)).isEqualTo(200);

    var revoke = IdentityServer.await(identity.send(HttpMethod.DELETE, "/v3/auth/tokens", admin, null,
        Map.of("X-Subject-Token", parentToken)));
    assertThat(revoke.statusCode()).isEqualTo(204);

    assertRevokedEverywhere(childToken);
    assertRevokedEverywhere(grandchildToken);
  }
}
