package io.strato.conductor;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.config.Settings;
import io.strato.common.kafka.Topics;
import io.strato.common.lifecycle.TaskState;
import io.strato.common.lifecycle.VmState;
import io.strato.common.messages.HostStateReport;
import io.strato.common.messages.InstanceUpdate;
import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Poison records on the conductor's topics: each goes to strato.dead-letters, the instance it names ends in ERROR
 * with the reason as its fault (not stuck in BUILD), and the records behind it on the same partition still apply.
 */
@ExtendWith(SharedInfrastructure.class)
class PoisonUpdateTest {
  private static TestIdentity identity;
  private static Settings settings;
  private static int computePort;
  private static String imageId;
  private static KafkaProducer<String, String> producer;
  private static Pool nova;

  @BeforeAll
  static void start() throws Exception {
    ComputeSide side = ComputeSide.get();
    identity = side.identity;
    computePort = side.computePort;
    settings = side.settings;
    imageId = side.imageId;
    producer = side.producer("poison-test");
    nova = side.nova;
  }

  private static String boot(String name) {
    var member = identity.newProject("poison");
    var resp = identity.call(HttpMethod.POST, computePort, "/v2.1/servers", member.token(), new JsonObject()
        .put("server", new JsonObject().put("name", name).put("imageRef", imageId).put("flavorRef", "1")), Map.of());
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(202);
    return resp.bodyAsJsonObject().getJsonObject("server").getString("id");
  }

  /** Sends to partition 0, so every record of a test shares one partition (a wedge there would hold them all). */
  private static void send(String topic, String key, String value) {
    TestIdentity.await(producer.send(KafkaProducerRecord.create(topic, key, value, null, 0)));
  }

  private static JsonObject awaitServer(String id, Predicate<JsonObject> condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      var resp = identity.call(HttpMethod.GET, computePort, "/v2.1/servers/" + id, identity.adminToken(), null,
          Map.of());
      JsonObject server = resp.statusCode() == 200 ? resp.bodyAsJsonObject().getJsonObject("server") : null;
      if (server != null && condition.test(server)) return server;
      assertThat(System.currentTimeMillis()).as("server " + id + " never reached the expected state: " + server)
          .isLessThan(deadline);
      Thread.sleep(100); // back-off between questions
    }
  }

  private static InstanceUpdate networking(String id, String host) {
    return new InstanceUpdate(InstanceUpdate.VERSION, UUID.randomUUID().toString(), id, VmState.BUILDING,
        TaskState.SCHEDULING, VmState.BUILDING, TaskState.NETWORKING, host, 0, null, null, null, null, null,
        System.currentTimeMillis());
  }

  @Test
  @DisplayName("instance updates that can never apply (not JSON, a non-UUID id, a NUL byte, an unknown version, a "
      + "wrong type, a missing field) are dead-lettered, their instances end in ERROR with the reason, and the updates behind them "
      + "apply")
  void poisonUpdates() throws Exception {
    String notJson = boot("not-json");
    String badId = boot("bad-id");
    String nul = boot("nul");
    String version = boot("version");
    String wrongType = boot("wrong-type");
    String missing = boot("missing");
    String behind = boot("behind");
    send(Topics.INSTANCE_UPDATES, notJson, "{\"version\": 1, \"instance_id\": ");
    send(Topics.INSTANCE_UPDATES, badId, networking(badId, "host-a").toJson().put("instance_id", "x' OR 1=1")
        .encode());
    send(Topics.INSTANCE_UPDATES, nul, networking(nul, "host-\u0000a").toJson().encode());
    send(Topics.INSTANCE_UPDATES, version, networking(version, "host-a").toJson().put("version", 99).encode());
    send(Topics.INSTANCE_UPDATES, wrongType, networking(wrongType, "host-a").toJson()
        .put("changes", List.of(1, 2)).encode());
    JsonObject noState = networking(missing, "host-a").toJson();
    noState.remove("vm_state");
    send(Topics.INSTANCE_UPDATES, missing, noState.encode());
    send(Topics.INSTANCE_UPDATES, behind, networking(behind, "host-b").toJson().encode());

    JsonObject applied = awaitServer(behind, s -> "networking".equals(s.getString("OS-EXT-STS:task_state")));
    assertThat(applied.getString("OS-EXT-SRV-ATTR:host")).isEqualTo("host-b");
    for (String id : List.of(notJson, badId, nul, version, wrongType, missing)) {
      JsonObject server = awaitServer(id, s -> "ERROR".equals(s.getString("status")));
      assertThat(server.getJsonObject("fault").getString("message")).as(id)
          .contains(Topics.INSTANCE_UPDATES).contains("can never be processed");
    }
    assertThat(awaitServer(nul, s -> true).getJsonObject("fault").getString("message")).contains("PostgreSQL");
    assertThat(awaitServer(version, s -> true).getJsonObject("fault").getString("message"))
        .contains("unsupported instance update version 99");
  }

  @Test
  @DisplayName("a host report PostgreSQL cannot take (a NUL byte in the host name) is dead-lettered and the reports "
      + "behind it are recorded")
  void poisonHostReport() throws Exception {
    String bad = "bad-\u0000-" + UUID.randomUUID();
    String good = "good-" + UUID.randomUUID();
    send(Topics.HOST_STATE, bad, report(bad).encode());
    // Under the poison's key, so it is really behind it: a poison retried for ever would hold it back.
    send(Topics.HOST_STATE, bad, report(good).encode());
    long deadline = System.currentTimeMillis() + 30_000;
    while (TestIdentity.await(nova.preparedQuery("SELECT 1 FROM compute_nodes WHERE host = $1")
        .execute(Tuple.of(good))).size() == 0) {
      assertThat(System.currentTimeMillis()).as("the report behind the poison was never recorded")
          .isLessThan(deadline);
      Thread.sleep(100); // back-off between questions
    }
  }

  private static JsonObject report(String host) {
    HostStateReport.Resource r = new HostStateReport.Resource(8, 0, 1.0, 0);
    return new HostStateReport(HostStateReport.VERSION, null, host, System.currentTimeMillis(), true, "nova", "QEMU",
        1, "x86_64", List.of(), r, r, r, 0, 0, 0, List.of()).toJson();
  }
}
