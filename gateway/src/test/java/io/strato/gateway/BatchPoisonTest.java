package io.strato.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.Topics;
import io.strato.common.messages.BootBatch;
import io.strato.common.messages.DeadLetter;
import io.strato.common.messages.Notification;
import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.InstanceEvents;
import io.strato.testkit.TestIdentity;
import io.strato.testkit.TopicRecords;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A boot batch that can never be recorded must not hold up the batches behind it on strato.boot-batches. */
@ExtendWith(SharedInfrastructure.class)
class BatchPoisonTest {
  private static TestCloud cloud;
  private static InstanceEvents events;
  private static KafkaProducer<String, String> producer;

  @BeforeAll
  static void start() {
    cloud = TestCloud.get();
    events = new InstanceEvents(cloud.vertx, cloud.settings);
    producer = KafkaProducer.create(cloud.vertx, KafkaSettings.producer(cloud.settings, "batch-poison-test"));
  }

  @AfterAll
  static void stop() {
    TestCloud.await(producer.close());
  }

  /** A batch of one good entry, for {@code member}. */
  private static BootBatch batch(TestIdentity.Member member, String batchId) {
    BootBatch.Entry entry = new BootBatch.Entry("web-1", new JsonObject().put("name", "web-1")
        .put("imageRef", cloud.imageId).put("flavorRef", "1"), null);
    return new BootBatch(BootBatch.VERSION, UUID.randomUUID().toString(), batchId, member.projectId(),
        member.userId(), new BootBatch.Credential("token", member.token()), List.of(entry));
  }

  private static void send(String key, String value) {
    TestCloud.await(producer.send(KafkaProducerRecord.create(Topics.BOOT_BATCHES, key, value)));
  }

  @Test
  @DisplayName("a batch PostgreSQL cannot record (a NUL byte in its id) goes to strato.dead-letters with its reason, "
      + "and the batch behind it on the same key boots")
  void poisonBatchIsDeadLettered() {
    TestIdentity.Member member = cloud.newProject("poison");
    BootBatch poison = batch(member, "nul-\u0000-" + UUID.randomUUID());
    BootBatch good = batch(member, "batch-" + UUID.randomUUID());
    String key = "same-key-" + UUID.randomUUID(); // one key: the good batch is handled after the poison
    send(key, poison.toJson().encode());
    send(key, good.toJson().encode());

    events.await(InstanceEvents.ofBatch(good.batchId()).and(InstanceEvents.type(Notification.CREATE_START)), 1,
        "instance.create.start of the batch behind the poison");
    DeadLetter letter = TopicRecords.deadLetter(cloud.settings, key);
    assertThat(letter.topic()).isEqualTo(Topics.BOOT_BATCHES);
    assertThat(letter.reason()).contains("PostgreSQL");
    assertThat(letter.payload()).contains(poison.messageId());
  }

  @Test
  @DisplayName("a batch that does not validate (no project_id) is refused with batch.refused and goes to "
      + "strato.dead-letters with its reason")
  void malformedBatchIsRefusedAndDeadLettered() {
    String batchId = "malformed-" + UUID.randomUUID();
    JsonObject malformed = batch(cloud.newProject("malformed"), batchId).toJson();
    malformed.remove("project_id");
    send(batchId, malformed.encode());

    events.await(InstanceEvents.ofBatch(batchId).and(InstanceEvents.type(Notification.BATCH_REFUSED)), 1,
        "batch.refused of the malformed batch");
    DeadLetter letter = TopicRecords.deadLetter(cloud.settings, batchId);
    assertThat(letter.topic()).isEqualTo(Topics.BOOT_BATCHES);
    assertThat(letter.reason()).contains("project_id");
  }
}
