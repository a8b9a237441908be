package io.strato.testkit;

import io.strato.common.http.FaultFormat;
import io.strato.embedded.Ports;
import io.strato.embedded.SharedInfrastructure;
import io.strato.identity.IdentityConfig;
import io.strato.identity.IdentityService;
import io.strato.testkit.fuzz.ApiFuzzer;
import io.strato.testkit.fuzz.Operation;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Thousands of mutated Keystone calls: token requests with every method and scope shape (project by id and by
 * name, unscoped, system, domain, trust, the token method, application credentials), users, projects, roles, role
 * assignments and their lists. No 5xx, no hang, every 4xx Keystone's {@code error} fault, no accepted invalid value.
 * It runs its own identity service with lockouts off, so that mutated passwords neither lock the shared service's
 * users out nor hide the paths a good login takes. The seed is printed with every failure;
 * {@code -Dstrato.fuzz.seed=<seed>} replays a run. (It lives here because identity's own tests cannot use this kit.)
 */
@ExtendWith(SharedInfrastructure.class)
class IdentityFuzzTest {

  @Test
  @DisplayName("mutated token, user, project, role and assignment calls answer 2xx or Keystone's 4xx, never 5xx or"
      + " nothing")
  void fuzz() {
    TestIdentity shared = TestIdentity.get();
    int port = Ports.free();
    TestIdentity.await(shared.vertx.deployVerticle(new IdentityService(IdentityConfig.from(shared.settings.with(
        Map.of("identity.port", String.valueOf(port), "identity.lockout.failure.attempts", "0",
            "identity.lockout.source.failure.attempts", "0"))))));
    shared.awaitReady(port);
    String admin = shared.adminToken();
    TestIdentity.Member member = shared.newProject("fuzz");
    String user = "/v3/users/" + member.userId();
    String project = "/v3/projects/" + member.projectId();
    String role = shared.call(HttpMethod.POST, port, "/v3/roles", admin, new JsonObject().put("role",
        new JsonObject().put("name", "fuzz-" + UUID.randomUUID())), Map.of()).bodyAsJsonObject()
        .getJsonObject("role").getString("id");
    String name = shared.call(HttpMethod.GET, port, user, admin, null, Map.of()).bodyAsJsonObject()
        .getJsonObject("user").getString("name");
    JsonObject password = new JsonObject().put("user", new JsonObject().put("name", name)
        .put("domain", new JsonObject().put("id", "default")).put("password", "pw-" + name));
    JsonObject byId = new JsonObject().put("user", new JsonObject().put("id", member.userId())
        .put("password", "pw-" + name));

    List<Operation> operations = List.of(
        token("password, project by name", password, new JsonObject().put("project", new JsonObject()
            .put("name", name).put("domain", new JsonObject().put("name", "Default")))),
        token("password by user id, project by id", byId, new JsonObject().put("project", new JsonObject()
            .put("id", member.projectId()))),
        token("password, unscoped", password, null),
        token("password, system scope", password, new JsonObject().put("system", new JsonObject().put("all", true))),
        token("password, domain scope", password, new JsonObject().put("domain", new JsonObject().put("id",
            "default"))),
        token("password, trust scope", password, new JsonObject().put("OS-TRUST:trust", new JsonObject()
            .put("id", UUID.randomUUID().toString().replace("-", "")))),
        Operation.create("token method", "/v3/auth/tokens", new JsonObject().put("auth", new JsonObject()
            .put("identity", new JsonObject().put("methods", new JsonArray().add("token"))
                .put("token", new JsonObject().put("id", member.token())))
            .put("scope", new JsonObject().put("project", new JsonObject().put("id", member.projectId())))),
            null, false).anonymously(),
        Operation.create("application credential", "/v3/auth/tokens", new JsonObject().put("auth", new JsonObject()
            .put("identity", new JsonObject().put("methods", new JsonArray().add("application_credential"))
                .put("application_credential", new JsonObject().put("id", "x").put("secret", "y")))),
            null, false).anonymously(),
        Operation.create("user create", "/v3/users", new JsonObject().put("user", new JsonObject().put("name", "u")
            .put("password", "p").put("enabled", true).put("description", "d").put("email", "u@example.com")
            .put("domain_id", "default").put("default_project_id", member.projectId())),
            r -> "/v3/users/" + r.getJsonObject("user").getString("id"), false),
        Operation.update("user update", HttpMethod.PATCH, user, new JsonObject().put("user", new JsonObject()
            .put("description", "d2").put("email", "x@example.com")), false),
        Operation.create("project create", "/v3/projects", new JsonObject().put("project", new JsonObject()
            .put("name", "p").put("description", "d").put("enabled", true).put("domain_id", "default")
            .put("tags", new JsonArray().add("t"))),
            r -> "/v3/projects/" + r.getJsonObject("project").getString("id"), false),
        Operation.update("project update", HttpMethod.PATCH, project, new JsonObject().put("project",
            new JsonObject().put("description", "d2").put("tags", new JsonArray())), false),
        Operation.create("role create", "/v3/roles", new JsonObject().put("role", new JsonObject().put("name", "r")),
            r -> "/v3/roles/" + r.getJsonObject("role").getString("id"), false),
        Operation.bodiless("grant", HttpMethod.PUT, project + "/users/" + member.userId() + "/roles/" + role),
        Operation.list("users", "/v3/users", "name", "domain_id", "enabled"),
        Operation.list("projects", "/v3/projects", "name", "domain_id", "enabled", "parent_id"),
        Operation.list("roles", "/v3/roles", "name"),
        Operation.list("role assignments", "/v3/role_assignments", "user.id", "scope.project.id", "role.id",
            "effective", "include_names", "group.id", "scope.system"),
        Operation.list("grants", project + "/users/" + member.userId() + "/roles"),
        Operation.list("user projects", user + "/projects"),
        Operation.list("own projects", "/v3/auth/projects"),
        Operation.list("own catalog", "/v3/auth/catalog"),
        Operation.list("domains", "/v3/domains"),
        Operation.list("revocation events", "/v3/OS-REVOKE/events", "since_ms").anonymously());
    ApiFuzzer fuzzer = new ApiFuzzer(shared.vertx, port, () -> admin, Map.of(), operations)
        .expectFaults(FaultFormat.IDENTITY);
    try {
      fuzzer.run(ApiFuzzer.seed(), 2500);
    } finally {
      fuzzer.close();
    }
    // NOTE: the member itself may be gone afterwards: "DELETE /v3/users/<id>/projects/.." is DELETE /v3/users/<id>
    // once the dot segment is removed, as every HTTP stack removes it.
  }

  /** A password token request: {@code scope} null asks for an unscoped token. */
  private static Operation token(String what, JsonObject password, JsonObject scope) {
    JsonObject auth = new JsonObject().put("identity", new JsonObject().put("methods", new JsonArray()
        .add("password")).put("password", password));
    if (scope != null) auth.put("scope", scope);
    return Operation.create("token: " + what, "/v3/auth/tokens", new JsonObject().put("auth", auth), null, false)
        .anonymously();
  }
}
