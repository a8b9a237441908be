package io.strato.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The agent's own token can be revoked (its role removed and given back, its tokens revoked by an operator): the
 * services then answer 401, and the agent logs in again instead of failing every build until the token expires.
 */
@ExtendWith(SharedInfrastructure.class)
class ServiceTokenRevokedTest {

  @Test
  @DisplayName("after the service user's tokens are revoked, the agent logs in again and its next build is ACTIVE")
  void agentLogsInAgainAfterRevocation() throws Exception {
    AgentTestCloud cloud = AgentTestCloud.get();
    TestIdentity identity = cloud.identity;
    String host = "relogin-" + UUID.randomUUID().toString().substring(0, 6);
    cloud.startAgent(host, Files.createTempDirectory("agent-relogin"), Map.of());
    String image = cloud.image("relogin-img", "raw", new byte[4096], new JsonObject());
    var first = cloud.boot(host, "before", "1", image, image, Map.of("disk_format", "raw"), 1);
    cloud.await(first, j -> j != null && "ACTIVE".equals(j.getString("status")), 30_000);

    String admin = identity.adminToken();
    String user = identity.settings.get("service.user");
    String stale = identity.token(user, TestIdentity.SERVICE_PASSWORD, identity.settings.get("service.project"));
    String assignment = "/v3/projects/" + id(identity, admin, "/v3/projects?name="
        + identity.settings.get("service.project"), "projects") + "/users/" + id(identity, admin, "/v3/users?name="
        + user, "users") + "/roles/" + id(identity, admin, "/v3/roles?name=service", "roles");
    assertThat(identity.call(HttpMethod.DELETE, identity.port, assignment, admin, null, Map.of()).statusCode())
        .isEqualTo(204);
    assertThat(identity.call(HttpMethod.PUT, identity.port, assignment, admin, null, Map.of()).statusCode())
        .isEqualTo(204);
    // Every service the agent calls has applied the revocation (a token of the service user from before is refused).
    long deadline = System.currentTimeMillis() + 20_000;
    for (int port : new int[] {cloud.imagePort, cloud.computePort}) {
      String path = port == cloud.imagePort ? "/v2/images" : "/v2.1/flavors";
      while (identity.call(HttpMethod.GET, port, path, stale, null, Map.of()).statusCode() != 401) {
        assertThat(System.currentTimeMillis()).as("revocation never applied on " + port).isLessThan(deadline);
        Thread.sleep(100);
      }
    }

    var second = cloud.boot(host, "after", "1", image, image, Map.of("disk_format", "raw"), 1, new JsonObject()
        .put("networks", new JsonArray().add("none")));
    JsonObject server = cloud.await(second, j -> j != null && !"BUILD".equals(j.getString("status")), 60_000);
    assertThat(server.getString("status")).as(server.encode()).isEqualTo("ACTIVE");
  }

  private static String id(TestIdentity identity, String admin, String path, String list) {
    return identity.call(HttpMethod.GET, identity.port, path, admin, null, Map.of()).bodyAsJsonObject()
        .getJsonArray(list).getJsonObject(0).getString("id");
  }
}
