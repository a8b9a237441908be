package io.strato.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.Topics;
import io.strato.common.messages.BootBatch;
import io.strato.common.messages.Notification;
import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.InstanceEvents;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a batch producer sends cannot make the compute API write a record larger than the topic accepts. */
@ExtendWith(SharedInfrastructure.class)
class BatchRecordLimitsTest {
  private static TestCloud cloud;
  private static InstanceEvents events;
  private static KafkaProducer<String, String> producer;

  @BeforeAll
  static void start() {
    cloud = TestCloud.get();
    events = new InstanceEvents(cloud.vertx, cloud.settings);
    producer = KafkaProducer.create(cloud.vertx, KafkaSettings.producer(cloud.settings, "batch-limits-test"));
  }

  @Test
  @DisplayName("a batch entry near the record limit whose fault quotes it (escaped again) still gets its"
      + " instance.create.error, cut short, and the next batch is served")
  void faultQuotingAHugeValueStaysUnderTheLimit() {
    var member = cloud.newProject("bigfault");
    // A 'name' that is an object full of quotes: the fault quotes it, and each quote doubles when encoded again.
    JsonObject name = new JsonObject();
    for (int i = 0; i < 30_000; i++) name.put("k" + i, "\"\"\"\"\"\"\"\"");
    BootBatch.Entry bad = new BootBatch.Entry("bad", new JsonObject().put("name", name).put("imageRef", cloud.imageId)
        .put("flavorRef", "1"), null);
    BootBatch b = batch(member, member.token(), List.of(bad));
    assertThat(b.toJson().encode().length()).isBetween(700_000, 1_000_000);
    send(b);
    Notification error = events.await(InstanceEvents.ofBatch(b.batchId())
        .and(InstanceEvents.type(Notification.CREATE_ERROR)), 1, "instance.create.error").get(0);
    String message = error.payload().getJsonObject("fault").getString("message");
    assertThat(message).startsWith("Invalid input for field 'name'").endsWith("[...]");
    assertThat(message.length()).isLessThanOrEqualTo(Notification.MAX_TEXT + 10);

    BootBatch next = batch(member, member.token(), List.of(new BootBatch.Entry("ok", new JsonObject()
        .put("name", "ok").put("imageRef", cloud.imageId).put("flavorRef", "1"), null)));
    send(next);
    events.await(InstanceEvents.ofBatch(next.batchId()).and(InstanceEvents.type(Notification.CREATE_START)), 1,
        "instance.create.start of the next batch");
  }

  private static BootBatch batch(io.strato.testkit.TestIdentity.Member m, String token, List<BootBatch.Entry> e) {
    return new BootBatch(BootBatch.VERSION, UUID.randomUUID().toString(), "batch-" + UUID.randomUUID(),
        m.projectId(), m.userId(), new BootBatch.Credential("token", token), e);
  }

  private static void send(BootBatch b) {
    TestCloud.await(producer.send(KafkaProducerRecord.create(Topics.BOOT_BATCHES, b.batchId(), b.toJson().encode())));
  }
}
