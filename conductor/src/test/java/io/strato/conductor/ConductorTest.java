package io.strato.conductor;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.config.Settings;
import io.strato.common.kafka.Topics;
import io.strato.common.lifecycle.TaskState;
import io.strato.common.lifecycle.VmState;
import io.strato.common.messages.InstanceUpdate;
import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The conductor seen from the compute API: what an update does to a server, and what it must never do. */
@ExtendWith(SharedInfrastructure.class)
class ConductorTest {
  private static TestIdentity identity;
  private static Settings settings;
  private static int computePort;
  private static String imageId;
  private static KafkaProducer<String, String> producer;
  private static ComputeSide side;

  @BeforeAll
  static void start() throws Exception {
    ComputeSide side = ComputeSide.get();
    identity = side.identity;
    computePort = side.computePort;
    settings = side.settings;
    imageId = side.imageId;
    producer = side.producer("conductor-test");
    ConductorTest.side = side;
  }

  private record Server(String id, String requestId, TestIdentity.Member owner) {}

  private static Server boot(String name) {
    var member = identity.newProject("cond");
    var resp = identity.call(HttpMethod.POST, computePort, "/v2.1/servers", member.token(), new JsonObject()
        .put("server", new JsonObject().put("name", name).put("imageRef", imageId).put("flavorRef", "1")), Map.of());
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(202);
    return new Server(resp.bodyAsJsonObject().getJsonObject("server").getString("id"),
        resp.getHeader("x-openstack-request-id"), member);
  }

  private static void send(InstanceUpdate u) {
    TestIdentity.await(producer.send(KafkaProducerRecord.create(Topics.INSTANCE_UPDATES, u.instanceId(),
        u.toJson().encode())));
  }

  private static InstanceUpdate update(Server s, String fromVm, String fromTask, String toVm, String toTask,
      String host, String event, String result, JsonObject changes) {
    return new InstanceUpdate(InstanceUpdate.VERSION, UUID.randomUUID().toString(), s.id(), VmState.of(fromVm),
        TaskState.of(fromTask), VmState.of(toVm), TaskState.of(toTask), host, 0, event, result, changes, null,
        s.requestId(), System.currentTimeMillis());
  }

  /** An update from {@code host}'s build of scheduling attempt {@code attempt}. */
  private static InstanceUpdate from(String host, int attempt, Server s, String fromTask, String toVm, String toTask,
      JsonObject fault) {
    return new InstanceUpdate(InstanceUpdate.VERSION, UUID.randomUUID().toString(), s.id(), VmState.BUILDING,
        TaskState.of(fromTask), VmState.of(toVm), TaskState.of(toTask), host, attempt, null, null, null, fault,
        s.requestId(), System.currentTimeMillis());
  }

  private static JsonObject show(Server s, String token) {
    var resp = identity.call(HttpMethod.GET, computePort, "/v2.1/servers/" + s.id(), token, null, Map.of());
    return resp.statusCode() == 404 ? null : resp.bodyAsJsonObject().getJsonObject("server");
  }

  private static JsonObject awaitServer(Server s, String token, Predicate<JsonObject> condition) {
    long deadline = System.currentTimeMillis() + 20_000;
    while (true) {
      JsonObject server = show(s, token);
      if (server != null && condition.test(server)) return server;
      assertThat(System.currentTimeMillis()).as("server " + s.id() + " never reached the expected state: " + server)
          .isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  @Test
  @DisplayName("a build walks scheduling -> networking -> spawning -> ACTIVE, with each step in the instance actions")
  void buildToActive() {
    Server s = boot("walk");
    String admin = identity.adminToken();
    send(update(s, "building", "scheduling", "building", "networking", "host-a", "schedule", "Success", null));
    send(update(s, "building", "networking", "building", "spawning", null, "networking", "Success", null));
    send(update(s, "building", "spawning", "active", null, null, "spawning", "Success",
        new JsonObject().put("power_state", 1).put("addresses", new JsonObject().put("private", new io.vertx.core.json
            .JsonArray().add(new JsonObject().put("addr", "10.0.0.5").put("version", 4))))));
    JsonObject server = awaitServer(s, admin, j -> "ACTIVE".equals(j.getString("status")));
    assertThat(server.getString("OS-EXT-SRV-ATTR:host")).isEqualTo("host-a");
    assertThat(server.getInteger("OS-EXT-STS:power_state")).isEqualTo(1);
    assertThat(server.getString("OS-SRV-USG:launched_at")).isNotNull();
    assertThat(server.getJsonObject("addresses").getJsonArray("private").getJsonObject(0).getString("addr"))
        .isEqualTo("10.0.0.5");
    JsonObject action = identity.call(HttpMethod.GET, computePort, "/v2.1/servers/" + s.id()
        + "/os-instance-actions/" + s.requestId(), admin, null, Map.of()).bodyAsJsonObject()
        .getJsonObject("instanceAction");
    assertThat(action.getJsonArray("events").stream().map(e -> ((JsonObject) e).getString("event")))
        .containsExactly("schedule", "networking", "spawning");
  }

  @Test
  @DisplayName("a redelivered or late update never moves an instance backwards")
  void lateUpdatesAreIgnored() {
    Server s = boot("late");
    String admin = identity.adminToken();
    InstanceUpdate scheduled = update(s, "building", "scheduling", "building", "spawning", "host-b", null, null, null);
    send(scheduled);
    send(update(s, "building", "spawning", "active", null, null, null, null, new JsonObject().put("power_state", 1)));
    awaitServer(s, admin, j -> "ACTIVE".equals(j.getString("status")));
    send(scheduled);
    send(update(s, "building", "scheduling", "error", null, null, null, null, null));
    // A marker update sent after them proves the conductor has processed the stale ones (same partition, in order).
    send(update(s, "active", null, "active", null, "host-b", null, null, new JsonObject().put("power_state", 4)));
    JsonObject server = awaitServer(s, admin, j -> j.getInteger("OS-EXT-STS:power_state") == 4);
    assertThat(server.getString("status")).isEqualTo("ACTIVE");
    assertThat(server.getString("OS-EXT-STS:task_state")).isNull();
  }

  @Test
  @DisplayName("a late update from an earlier scheduling attempt on the same host changes nothing")
  void staleAttemptIsFenced() {
    Server s = boot("fenced");
    String admin = identity.adminToken();
    send(from("host-a", 2, s, "scheduling", "building", "block_device_mapping", null));
    awaitServer(s, admin, j -> "block_device_mapping".equals(j.getString("OS-EXT-STS:task_state")));
    send(from("host-a", 1, s, "block_device_mapping", "error", null, new JsonObject().put("code", 500)
        .put("message", "Build of attempt 1 failed").put("details", "")));
    send(from("host-a", 1, s, "block_device_mapping", "building", "networking", null));
    // The current attempt's next step, sent after them: once it shows, the stale ones were processed (in order).
    send(from("host-a", 2, s, "block_device_mapping", "building", "spawning", null));
    JsonObject server =
        awaitServer(s, admin, j -> !"block_device_mapping".equals(j.getString("OS-EXT-STS:task_state")));
    assertThat(server.getString("status")).as("the stale attempt's error was refused").isEqualTo("BUILD");
    assertThat(server.getString("OS-EXT-STS:task_state")).isEqualTo("spawning");
    assertThat(server.getString("OS-EXT-SRV-ATTR:host")).isEqualTo("host-a");
    assertThat(server.getJsonObject("fault")).isNull();
  }

  @Test
  @DisplayName("one instance placed on two hosts: the first host's build is recorded, the second host's updates"
      + " change nothing")
  void secondHostIsFenced() {
    Server s = boot("twice");
    String admin = identity.adminToken();
    send(from("host-a", 1, s, "scheduling", "building", "block_device_mapping", null));
    send(from("host-b", 1, s, "scheduling", "building", "block_device_mapping", null));
    send(from("host-b", 1, s, "block_device_mapping", "building", "networking", null));
    send(from("host-b", 1, s, "networking", "building", "spawning", null));
    send(from("host-b", 1, s, "spawning", "active", null, null));
    send(from("host-a", 1, s, "block_device_mapping", "building", "networking", null));
    JsonObject server = awaitServer(s, admin, j -> "networking".equals(j.getString("OS-EXT-STS:task_state"))
        || !"BUILD".equals(j.getString("status")));
    assertThat(server.getString("OS-EXT-SRV-ATTR:host")).isEqualTo("host-a");
    assertThat(server.getString("status")).isEqualTo("BUILD");
    assertThat(server.getString("OS-EXT-STS:task_state")).isEqualTo("networking");
  }

  @Test
  @DisplayName("No valid host ends the build in ERROR with the scheduler's fault message")
  void errorWithFault() {
    Server s = boot("nohost");
    send(InstanceUpdate.error(UUID.randomUUID().toString(), s.id(), TaskState.SCHEDULING, null, "schedule", 500,
        "No valid host was found. RamFilter removed 3 of 3 hosts", "", s.requestId()));
    JsonObject server = awaitServer(s, s.owner().token(), j -> "ERROR".equals(j.getString("status")));
    assertThat(server.getJsonObject("fault").getString("message")).startsWith("No valid host was found");
    assertThat(server.getJsonObject("fault").getInteger("code")).isEqualTo(500);
  }

  @Test
  @DisplayName("a deleted instance is never resurrected, and finishing a delete gives the quota back")
  void deletes() {
    Server gone = boot("gone");
    assertThat(identity.call(HttpMethod.DELETE, computePort, "/v2.1/servers/" + gone.id(), gone.owner().token(),
        null, Map.of()).statusCode()).isEqualTo(204);
    send(update(gone, "building", "scheduling", "active", null, "host-c", null, null, null));

    Server s = boot("finish");
    send(update(s, "building", "scheduling", "active", null, "host-c", null, null, null));
    awaitServer(s, s.owner().token(), j -> "ACTIVE".equals(j.getString("status")));
    send(update(s, "active", null, "deleted", null, null, null, null, null));
    long deadline = System.currentTimeMillis() + 20_000;
    while (show(s, s.owner().token()) != null) {
      assertThat(System.currentTimeMillis()).isLessThan(deadline);
      Thread.onSpinWait();
    }
    assertThat(show(gone, gone.owner().token())).as("the late update did not bring it back").isNull();
    JsonObject limits = identity.call(HttpMethod.GET, computePort, "/v2.1/limits", s.owner().token(), null, Map.of())
        .bodyAsJsonObject().getJsonObject("limits").getJsonObject("absolute");
    assertThat(limits.getInteger("totalInstancesUsed")).isZero();
  }

  @Test
  @DisplayName("a build stuck past the timeout goes to ERROR saying where it stopped")
  void stuckBuildsEndInError() {
    Server s = boot("stuck");
    assertThat(side.timeOutBuild(s.id())).isGreaterThanOrEqualTo(1);
    JsonObject server = show(s, s.owner().token());
    assertThat(server.getString("status")).isEqualTo("ERROR");
    assertThat(server.getJsonObject("fault").getString("message")).contains("timed out").contains("scheduling");
  }

  @Test
  @DisplayName("an agent killed mid-build leaves its instance stuck in networking: it ends in ERROR saying so,"
      + " and a late update from that agent does not bring it back")
  void agentKilledMidBuild() {
    Server s = boot("orphan");
    send(update(s, "building", "scheduling", "building", "networking", "dead-host", "schedule", "Success", null));
    awaitServer(s, identity.adminToken(), j -> "networking".equals(j.getString("OS-EXT-STS:task_state")));
    assertThat(side.timeOutBuild(s.id())).isGreaterThanOrEqualTo(1);
    JsonObject server = show(s, s.owner().token());
    assertThat(server.getString("status")).isEqualTo("ERROR");
    assertThat(server.getJsonObject("fault").getString("message")).contains("timed out").contains("networking");

    send(update(s, "building", "networking", "building", "spawning", null, "networking", "Success", null));
    send(update(s, "error", null, "error", null, null, null, null, new JsonObject().put("power_state", 4)));
    JsonObject after = awaitServer(s, identity.adminToken(), j -> j.getInteger("OS-EXT-STS:power_state") == 4);
    assertThat(after.getString("status")).as("the agent's late step was ignored").isEqualTo("ERROR");
  }
}
