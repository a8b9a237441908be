package io.strato.gateway;

import static io.strato.gateway.TestCloud.assertFault;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strato.embedded.SharedInfrastructure;
import io.strato.gateway.servers.action.ActionPolicy;
import io.strato.gateway.servers.action.ActionReply;
import io.strato.gateway.servers.action.ActionRouter;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The preamble every server action shares, answered once by the action router, in Nova's order and fault format. */
@ExtendWith(SharedInfrastructure.class)
class ServerActionRouterTest {
  private static TestCloud cloud;

  @BeforeAll
  static void start() {
    cloud = TestCloud.get();
  }

  @Test
  @DisplayName("an unknown action is 400 'There is no such action', two actions in one body 400, a malformed id 404,"
      + " a reader 403 before anything is looked up, another project's member 404, a locked server 409")
  void preamble() {
    var member = cloud.newProject("router");
    String id = cloud.call(HttpMethod.POST, "/v2.1/servers", member.token(), cloud.server("router"))
        .bodyAsJsonObject().getJsonObject("server").getString("id");
    cloud.settle(id, "active", "h-router");
    String path = "/v2.1/servers/" + id + "/action";

    assertFault(cloud.call(HttpMethod.POST, path, member.token(), new JsonObject().putNull("frobnicate")), 400,
        "badRequest", "There is no such action: frobnicate");
    assertFault(cloud.call(HttpMethod.POST, path, member.token(), new JsonObject().putNull("pause").putNull("os-stop")),
        400, "badRequest", "exactly one action");
    assertFault(cloud.call(HttpMethod.POST, "/v2.1/servers/not-a-uuid/action", member.token(),
        new JsonObject().putNull("pause")), 404, "itemNotFound", "could not be found");
    String reader = cloud.identity.reader(member.projectId());
    assertFault(cloud.call(HttpMethod.POST, path, reader, new JsonObject().putNull("pause")), 403, "forbidden",
        "os_compute_api:os-pause-server:pause");
    String stranger = cloud.newProject("router-other").token();
    assertFault(cloud.call(HttpMethod.POST, path, stranger, new JsonObject().putNull("pause")), 404, "itemNotFound",
        "Instance " + id + " could not be found.");
    assertThat(cloud.call(HttpMethod.POST, path, member.token(), new JsonObject().putNull("lock")).statusCode())
        .isEqualTo(202);
    assertFault(cloud.call(HttpMethod.POST, path, member.token(), new JsonObject().putNull("pause")), 409,
        "conflictingRequest", "is locked");
    assertThat(cloud.call(HttpMethod.POST, path, member.token(), new JsonObject().putNull("unlock")).statusCode())
        .as("unlock runs on a locked server").isEqualTo(202);
  }

  @Test
  @DisplayName("an action registered twice fails start-up, naming it")
  void registeredTwice() {
    ActionRouter router = new ActionRouter(null)
        .register("pause", ActionPolicy.member("rule"), c -> i -> Future.succeededFuture(ActionReply.ACCEPTED));
    assertThatThrownBy(() -> router.register("pause", ActionPolicy.member("rule"),
        c -> i -> Future.succeededFuture(ActionReply.ACCEPTED)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("pause");
  }
}
