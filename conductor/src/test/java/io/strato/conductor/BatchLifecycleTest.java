package io.strato.conductor;

import io.strato.testkit.InstanceEvents;
import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.kafka.Topics;
import io.strato.common.messages.BootBatch;
import io.strato.common.messages.Notification;
import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Batch provisioning end to end on the compute side: batches on {@code strato.boot-batches}, builds driven to their
 * end through the conductor (a stand-in scheduler and agent, {@link FakeCompute}), and what a batch producer reads
 * on {@code strato.instance-events}: instance.create.end / error, instance.delete.end and one batch.end per batch.
 */
@ExtendWith(SharedInfrastructure.class)
class BatchLifecycleTest {
  private static ComputeSide side;
  private static InstanceEvents events;
  private static FakeCompute compute;
  private static KafkaProducer<String, String> producer;

  @BeforeAll
  static void start() throws Exception {
    side = ComputeSide.get();
    var vertx = side.identity.vertx;
    events = new InstanceEvents(vertx, side.settings);
    compute = new FakeCompute(vertx, side.settings);
    producer = side.producer("batch-lifecycle-test");
  }

  private static BootBatch.Entry entry(String key, String flavor) {
    return new BootBatch.Entry(key, new JsonObject().put("name", key).put("imageRef", side.imageId)
        .put("flavorRef", flavor), null);
  }

  private static BootBatch batch(TestIdentity.Member m, BootBatch.Entry... entries) {
    return new BootBatch(BootBatch.VERSION, UUID.randomUUID().toString(), "batch-" + UUID.randomUUID(),
        m.projectId(), m.userId(), new BootBatch.Credential("token", m.token()), List.of(entries));
  }

  private static void send(BootBatch b) {
    var record = KafkaProducerRecord.create(Topics.BOOT_BATCHES, b.batchId(), b.toJson().encode());
    record.addHeader(KafkaHeader.header(Topics.REQUEST_ID_HEADER, Buffer.buffer("req-" + UUID.randomUUID())));
    TestIdentity.await(producer.send(record));
  }

  private static Predicate<Notification> of(BootBatch b, String eventType) {
    return InstanceEvents.ofBatch(b.batchId()).and(InstanceEvents.type(eventType));
  }

  private static Map<String, String> instanceByKey(List<Notification> notifications) {
    return notifications.stream().collect(Collectors.toMap(n -> n.payload().getString("idempotency_key"),
        n -> n.payload().getString("instance_id"), (x, y) -> x));
  }

  private static JsonObject server(TestIdentity.Member m, String id) {
    return side.identity.call(HttpMethod.GET, side.computePort, "/v2.1/servers/" + id, m.token(), null, Map.of())
        .bodyAsJsonObject().getJsonObject("server");
  }

  @Test
  @DisplayName("a batch's servers reach ACTIVE: instance.create.end for each entry with its batch id and key, then"
      + " one batch.end counting them")
  void batchReachesActive() {
    var member = side.identity.newProject("batch-active");
    compute.serve(member.projectId());
    BootBatch b = batch(member, entry("app-1", "1"), entry("app-2", "1"), entry("app-3", "2"));
    send(b);
    var ends = events.await(of(b, Notification.CREATE_END), 3, "instance.create.end");
    Map<String, String> ids = instanceByKey(ends);
    assertThat(ids).containsOnlyKeys("app-1", "app-2", "app-3");
    assertThat(ends).allSatisfy(n -> {
      assertThat(n.publisherId()).isEqualTo("strato-conductor");
      assertThat(n.payload().getString("state")).isEqualTo("active");
      assertThat(n.payload().getString("host")).isEqualTo(compute.host);
      assertThat(n.payload().getString("project_id")).isEqualTo(member.projectId());
    });
    ids.values().forEach(id -> assertThat(server(member, id).getString("status")).isEqualTo("ACTIVE"));
    Notification end = events.await(of(b, Notification.BATCH_END), 1, "batch.end").get(0);
    assertThat(end.payload().getInteger("entries")).isEqualTo(3);
    assertThat(end.payload().getInteger("active")).isEqualTo(3);
    assertThat(end.payload().getInteger("error") + end.payload().getInteger("refused")
        + end.payload().getInteger("deleted")).isZero();
  }

  @Test
  @DisplayName("batch.end counts active, error and refused entries, and is sent once even when the batch and the"
      + " instance updates are redelivered")
  void batchEndCountsEveryOutcomeOnce() {
    var member = side.identity.newProject("batch-mixed");
    compute.serve(member.projectId());
    BootBatch b = batch(member, entry("ok-1", "1"), entry("ok-2", "1"), entry("fail-1", "1"),
        entry("bad-flavor", "no-such-flavor"));
    send(b);
    Notification end = events.await(of(b, Notification.BATCH_END), 1, "batch.end").get(0);
    assertThat(end.payload().getMap()).containsAllEntriesOf(Map.of("entries", 4, "active", 2, "error", 1,
        "refused", 1, "deleted", 0));
    var error = events.all(of(b, Notification.CREATE_ERROR)).stream()
        .collect(Collectors.toMap(n -> n.payload().getString("idempotency_key"), Notification::payload));
    assertThat(error.get("fail-1").getJsonObject("fault").getString("message")).contains("the disk is on fire");
    assertThat(error.get("fail-1").getString("state")).isEqualTo("error");
    assertThat(error.get("bad-flavor").getJsonObject("fault").getString("message"))
        .isEqualTo("Flavor no-such-flavor could not be found.");
    Map<String, String> ids = instanceByKey(events.all(of(b, Notification.CREATE_END)));
    assertThat(ids).containsOnlyKeys("ok-1", "ok-2");

    send(b);
    ids.values().forEach(compute::redeliver);
    events.await(of(b, Notification.CREATE_START), 6, "the replay's announcements");
    // A delete after the redeliveries (same instance, same partition of instance updates) marks that the conductor
    // has processed them.
    String marked = ids.get("ok-1");
    assertThat(side.identity.call(HttpMethod.DELETE, side.computePort, "/v2.1/servers/" + marked, member.token(),
        null, Map.of()).statusCode()).isEqualTo(204);
    Notification deleted = events.await(of(b, Notification.DELETE_END), 1, "instance.delete.end").get(0);
    assertThat(deleted.payload().getString("instance_id")).isEqualTo(marked);
    assertThat(events.all(of(b, Notification.CREATE_END))).as("each build ends once").hasSize(2);
    assertThat(events.all(of(b, Notification.BATCH_END))).as("the batch ends once").hasSize(1);
  }

  @Test
  @DisplayName("a batch build stuck past the timeout ends in ERROR, sends instance.create.error and ends its batch")
  void stuckBuildEndsTheBatch() {
    var member = side.identity.newProject("batch-stuck"); // not served: its builds never progress
    BootBatch b = batch(member, entry("stuck-1", "1"));
    send(b);
    String id = events.await(of(b, Notification.CREATE_START), 1, "instance.create.start").get(0).payload()
        .getString("instance_id");
    side.timeOutBuild(id);
    Notification error = events.await(of(b, Notification.CREATE_ERROR), 1, "instance.create.error").get(0);
    assertThat(error.payload().getJsonObject("fault").getString("message")).contains("timed out");
    assertThat(error.payload().getString("idempotency_key")).isEqualTo("stuck-1");
    Notification end = events.await(of(b, Notification.BATCH_END), 1, "batch.end").get(0);
    assertThat(end.payload().getInteger("error")).isEqualTo(1);
  }
}
