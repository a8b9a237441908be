package io.strato.gateway;

import static io.strato.gateway.TestCloud.assertFault;
import static org.assertj.core.api.Assertions.assertThat;

import io.strato.embedded.SharedInfrastructure;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** pause, unpause, suspend, resume, lock and unlock as the compute API accepts or refuses them. */
@ExtendWith(SharedInfrastructure.class)
class PauseSuspendLockTest {
  private static TestCloud cloud;

  @BeforeAll
  static void start() {
    cloud = TestCloud.get();
  }

  private static String server(String token, String vmState) {
    String id = cloud.call(HttpMethod.POST, "/v2.1/servers", token, cloud.server("actions")).bodyAsJsonObject()
        .getJsonObject("server").getString("id");
    cloud.settle(id, vmState, "h-actions");
    return id;
  }

  private static HttpResponse<Buffer> act(String id, String token, String action) {
    return cloud.call(HttpMethod.POST, "/v2.1/servers/" + id + "/action", token, new JsonObject().putNull(action));
  }

  private static JsonObject show(String id, String token) {
    return cloud.call(HttpMethod.GET, cloud.computePort,
        "/v2.1/servers/" + id, token, null, Map.of("OpenStack-API-Version", "compute 2.9")).bodyAsJsonObject()
        .getJsonObject("server");
  }

  @Test
  @DisplayName("pause and suspend an ACTIVE server (202, task pausing/suspending, recorded as instance actions);"
      + " unpause and resume only from PAUSED and SUSPENDED; a second action while one runs is 409")
  void pauseAndSuspend() {
    String t = cloud.newProject("pause").token();
    String active = server(t, "active");
    assertFault(act(active, t, "unpause"), 409, "conflictingRequest", "Cannot 'unpause' instance");
    assertFault(act(active, t, "resume"), 409, "conflictingRequest", "Cannot 'resume' instance");
    assertThat(act(active, t, "pause").statusCode()).isEqualTo(202);
    assertThat(show(active, t).getString("OS-EXT-STS:task_state")).isEqualTo("pausing");
    assertFault(act(active, t, "suspend"), 409, "conflictingRequest", "task_state pausing");
    var actions = cloud.call(HttpMethod.GET, "/v2.1/servers/" + active + "/os-instance-actions", t, null)
        .bodyAsJsonObject().getJsonArray("instanceActions");
    assertThat(actions.getJsonObject(0).getString("action")).isEqualTo("pause");

    String paused = server(t, "paused");
    assertThat(show(paused, t).getString("status")).isEqualTo("PAUSED");
    assertThat(act(paused, t, "unpause").statusCode()).isEqualTo(202);
    assertThat(show(paused, t).getString("OS-EXT-STS:task_state")).isEqualTo("unpausing");

    String other = server(t, "active");
    assertThat(act(other, t, "suspend").statusCode()).isEqualTo(202);
    assertThat(show(other, t).getString("OS-EXT-STS:task_state")).isEqualTo("suspending");
    String suspended = server(t, "suspended");
    assertThat(act(suspended, t, "resume").statusCode()).isEqualTo(202);
    assertThat(show(suspended, t).getString("OS-EXT-STS:task_state")).isEqualTo("resuming");
  }

  @Test
  @DisplayName("a locked server refuses its members' actions and changes with 409 (admins act), shows locked from"
      + " 2.9; its member unlocks it, but not a lock an admin set (403)")
  void lock() {
    var member = cloud.newProject("lock");
    String t = member.token();
    String id = server(t, "active");
    assertFault(cloud.call(HttpMethod.POST, "/v2.1/servers/" + id + "/action", t, new JsonObject().put("lock",
        new JsonObject().put("x", 1))), 400, "badRequest", "lock");
    assertThat(act(id, t, "lock").statusCode()).isEqualTo(202);
    assertThat(show(id, t).getBoolean("locked")).isTrue();
    assertFault(act(id, t, "os-stop"), 409, "conflictingRequest", "is locked");
    assertFault(act(id, t, "pause"), 409, "conflictingRequest", "is locked");
    assertFault(cloud.call(HttpMethod.DELETE, "/v2.1/servers/" + id, t, null), 409, "conflictingRequest", "is locked");
    assertFault(cloud.call(HttpMethod.PUT, "/v2.1/servers/" + id + "/metadata/k", t, new JsonObject().put("meta",
        new JsonObject().put("k", "v"))), 409, "conflictingRequest", "is locked");
    assertThat(act(id, t, "unlock").statusCode()).isEqualTo(202);
    assertThat(show(id, t).getBoolean("locked")).isFalse();
    assertThat(act(id, t, "pause").statusCode()).as("unlocked, it acts again").isEqualTo(202);

    String admin = cloud.adminToken();
    String second = server(t, "active");
    assertThat(act(second, admin, "lock").statusCode()).isEqualTo(202);
    assertFault(act(second, t, "unlock"), 403, "forbidden", "unlock_override");
    assertThat(show(second, t).getBoolean("locked")).isTrue();
    assertThat(act(second, admin, "pause").statusCode()).as("an admin acts on a locked server").isEqualTo(202);
    assertThat(act(second, admin, "unlock").statusCode()).isEqualTo(202);
    assertThat(show(second, t).getBoolean("locked")).isFalse();
    var actions = cloud.call(HttpMethod.GET, "/v2.1/servers/" + id + "/os-instance-actions", t, null)
        .bodyAsJsonObject().getJsonArray("instanceActions");
    assertThat(actions.stream().map(a -> ((JsonObject) a).getString("action"))).contains("lock", "unlock");
  }
}
