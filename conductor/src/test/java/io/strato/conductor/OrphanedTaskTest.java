package io.strato.conductor;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.db.Database;
import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.Topics;
import io.strato.common.messages.DeadLetter;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A snapshot or rebuild order that can never be handled (dead-lettered by the agent) does not leave its server in
 * that task state: the snapshot's task is cleared with the server as it was, the rebuild ends in ERROR, each with
 * the letter's reason as the fault.
 */
@ExtendWith(SharedInfrastructure.class)
class OrphanedTaskTest {
  private static ComputeSide side;
  private static KafkaProducer<String, String> producer;
  private static Pool nova;

  @BeforeAll
  static void start() throws Exception {
    side = ComputeSide.get();
    producer = KafkaProducer.create(side.identity.vertx, KafkaSettings.producer(side.settings, "orphan-test"));
    nova = TestIdentity.await(Database.open(side.identity.vertx, side.settings, "nova"));
  }

  /** A server the compute API accepted, then recorded as ACTIVE on a host with {@code task} running. */
  private static String serverIn(String task) {
    var member = side.identity.newProject("orphan");
    var resp = side.identity.call(HttpMethod.POST, side.computePort, "/v2.1/servers", member.token(), new JsonObject()
        .put("server", new JsonObject().put("name", "orphan").put("imageRef", side.imageId).put("flavorRef", "1")),
        Map.of());
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(202);
    String id = resp.bodyAsJsonObject().getJsonObject("server").getString("id");
    TestIdentity.await(nova.preparedQuery("UPDATE instances SET vm_state = 'active', task_state = $2, host = 'gone',"
        + " power_state = 1 WHERE id = $1").execute(Tuple.of(UUID.fromString(id), task)));
    return id;
  }

  private static void deadLetter(String topic, String id, String reason) {
    DeadLetter letter = DeadLetter.consumed("strato-agent-gone", topic, 0, 1L, "gone", Map.of(),
        "{\"type\":\"snapshot\",\"instance_id\":\"" + id + "\"}", reason, 1, List.of(id));
    // One key: the letters of a test are read in the order they were sent.
    TestIdentity.await(producer.send(KafkaProducerRecord.create(Topics.DEAD_LETTERS, "orphan-test",
        letter.toJson().encode())));
  }

  @Test
  @DisplayName("a dead-lettered snapshot order clears the snapshot task and leaves the server ACTIVE; a dead-lettered"
      + " rebuild order ends the server in ERROR with the reason as its fault")
  void deadLetteredOrdersEndTheirTasks() throws Exception {
    String snapshot = serverIn("image_snapshot_pending");
    String rebuild = serverIn("rebuilding");
    deadLetter(Topics.ASSIGNMENTS, snapshot, "unparseable snapshot order");
    deadLetter(Topics.ASSIGNMENTS, rebuild, "unparseable rebuild order");
    JsonObject s = side.awaitServer(snapshot, j -> j.getValue("OS-EXT-STS:task_state") == null);
    assertThat(s.getString("status")).isEqualTo("ACTIVE");
    JsonObject r = side.awaitServer(rebuild, j -> "ERROR".equals(j.getString("status")));
    assertThat(r.getValue("OS-EXT-STS:task_state")).isNull();
    assertThat(r.getJsonObject("fault").getString("message")).contains("unparseable rebuild order");
  }

  @Test
  @DisplayName("a dead letter from another topic leaves a snapshot running")
  void otherLettersLeaveTheTask() throws Exception {
    String snapshot = serverIn("image_uploading");
    String marker = serverIn("rebuilding");
    deadLetter(Topics.INSTANCE_UPDATES, snapshot, "a poison update");
    deadLetter(Topics.ASSIGNMENTS, marker, "after the other letter");
    side.awaitServer(marker, j -> "ERROR".equals(j.getString("status")));
    JsonObject s = side.awaitServer(snapshot, j -> true);
    assertThat(s.getString("OS-EXT-STS:task_state")).isEqualTo("image_uploading");
  }
}
