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
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A boot batch that can never be recorded must not hold up the batches behind it on strato.boot-batches. */
@ExtendWith(SharedInfrastructure.class)
class BatchPoisonTest {

  @Test
  @DisplayName("a batch PostgreSQL cannot record (a NUL byte in its id) goes to strato.dead-letters with its reason, "
      + "and the batch behind it on the same key boots")
  void poisonBatchIsDeadLettered() {
    TestCloud cloud = TestCloud.get();
    InstanceEvents events = new InstanceEvents(cloud.vertx, cloud.settings);
    KafkaProducer<String, String> producer =
        KafkaProducer.create(cloud.vertx, KafkaSettings.producer(cloud.settings, "batch-poison-test"));
    TestIdentity.Member member = cloud.newProject("poison");
    BootBatch.Entry entry = new BootBatch.Entry("web-1", new JsonObject().put("name", "web-1")
        .put("imageRef", cloud.imageId).put("flavorRef", "1"), null);
    BootBatch poison = new BootBatch(BootBatch.VERSION, UUID.randomUUID().toString(), "nul-\u0000-" + UUID.randomUUID(),
        member.projectId(), member.userId(), new BootBatch.Credential("token", member.token()), List.of(entry));
    BootBatch good = new BootBatch(BootBatch.VERSION, UUID.randomUUID().toString(), "batch-" + UUID.randomUUID(),
        member.projectId(), member.userId(), new BootBatch.Credential("token", member.token()), List.of(entry));
    String key = "same-key-" + UUID.randomUUID(); // one key: the good batch is handled after the poison
    TestCloud.await(producer.send(KafkaProducerRecord.create(Topics.BOOT_BATCHES, key, poison.toJson().encode())));
    TestCloud.await(producer.send(KafkaProducerRecord.create(Topics.BOOT_BATCHES, key, good.toJson().encode())));

    events.await(InstanceEvents.ofBatch(good.batchId()).and(InstanceEvents.type(Notification.CREATE_START)), 1,
        "instance.create.start of the batch behind the poison");
    DeadLetter letter = deadLetter(cloud, key);
    assertThat(letter.topic()).isEqualTo(Topics.BOOT_BATCHES);
    assertThat(letter.reason()).contains("PostgreSQL");
    assertThat(letter.payload()).contains(poison.messageId());
    TestCloud.await(producer.close());
  }

  private static DeadLetter deadLetter(TestCloud cloud, String key) {
    Properties p = new Properties();
    p.putAll(KafkaSettings.consumer(cloud.settings, "dead-letter-reader-" + UUID.randomUUID()));
    try (var reader = new org.apache.kafka.clients.consumer.KafkaConsumer<String, String>(p)) {
      reader.subscribe(List.of(Topics.DEAD_LETTERS));
      long deadline = System.currentTimeMillis() + 30_000;
      while (System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> r : reader.poll(Duration.ofMillis(500))) {
          if (key.equals(r.key())) return DeadLetter.fromJson(new JsonObject(r.value()));
        }
      }
    }
    throw new AssertionError("no dead letter for " + key);
  }
}
