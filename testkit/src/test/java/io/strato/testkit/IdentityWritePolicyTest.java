package io.strato.testkit;

import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.WriteWalk.Write;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every administrative write of the identity API refuses a reader of the project (403 "You are not authorized to
 * perform the requested action: identity:..."), a member of another project (403: Keystone's defaults give these
 * to admins only), and callers without a valid token (401), and leaves projects, users, roles, role assignments and
 * the owner's token exactly as they were. (It lives here because identity's own tests cannot use this kit.)
 */
@ExtendWith(SharedInfrastructure.class)
class IdentityWritePolicyTest {

  @TestFactory
  Stream<DynamicContainer> adminWritesRefuseReadersOtherProjectsAndBadTokens() {
    TestIdentity identity = TestIdentity.get();
    String admin = identity.adminToken();
    TestIdentity.Member owner = identity.newProject("owner");
    String p = "/v3/projects/" + owner.projectId();
    String u = "/v3/users/" + owner.userId();
    String adminRole = roleId(identity, admin, "admin");
    String memberRole = roleId(identity, admin, "member");
    String doomed = identity.call(HttpMethod.POST, identity.port, "/v3/roles", admin, new JsonObject().put("role",
        new JsonObject().put("name", "doomed-" + UUID.randomUUID())), Map.of())
        .bodyAsJsonObject().getJsonObject("role").getString("id");

    List<Write> writes = List.of(
        new Write("create project", HttpMethod.POST, "/v3/projects", wrap("project", named()), 403),
        new Write("update project", HttpMethod.PATCH, p, wrap("project", new JsonObject().put("enabled", false)), 403),
        new Write("delete project", HttpMethod.DELETE, p, null, 403),
        new Write("grant admin", HttpMethod.PUT, p + "/users/" + owner.userId() + "/roles/" + adminRole, null, 403),
        new Write("revoke grant", HttpMethod.DELETE, p + "/users/" + owner.userId() + "/roles/" + memberRole, null,
            403),
        new Write("create role", HttpMethod.POST, "/v3/roles", wrap("role", named()), 403),
        new Write("delete role", HttpMethod.DELETE, "/v3/roles/" + doomed, null, 403),
        new Write("create user", HttpMethod.POST, "/v3/users", wrap("user", named().put("password", "x")), 403),
        new Write("update user", HttpMethod.PATCH, u, wrap("user", new JsonObject().put("password", "taken")), 403),
        new Write("delete user", HttpMethod.DELETE, u, null, 403),
        new Write("revoke another's token", HttpMethod.DELETE, "/v3/auth/tokens", null,
            Map.of("X-Subject-Token", owner.token()), 403));

    return new WriteWalk(identity, identity.port, owner, WriteWalk.identity(),
        "You are not authorized to perform the requested action: identity:[a-z_]+")
        .walk(writes, () -> Stream.of(p, u, "/v3/projects", "/v3/roles",
                "/v3/role_assignments?scope.project.id=" + owner.projectId(), "/v3/auth/tokens")
            .map(path -> {
              var resp = identity.call(HttpMethod.GET, identity.port, path, admin, null,
                  Map.of("X-Subject-Token", owner.token()));
              return resp.statusCode() + " " + resp.bodyAsString();
            })
            .toList());
  }

  private static String roleId(TestIdentity identity, String admin, String name) {
    return identity.call(HttpMethod.GET, identity.port, "/v3/roles?name=" + name, admin, null, Map.of())
        .bodyAsJsonObject().getJsonArray("roles").getJsonObject(0).getString("id");
  }

  private static JsonObject named() {
    return new JsonObject().put("name", "intruder-" + UUID.randomUUID());
  }

  private static JsonObject wrap(String member, JsonObject fields) {
    return new JsonObject().put(member, fields);
  }
}
