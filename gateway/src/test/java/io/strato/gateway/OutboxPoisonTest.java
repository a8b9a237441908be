package io.strato.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.db.Database;
import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.Topics;
import io.strato.common.messages.DeadLetter;
import io.strato.embedded.SharedInfrastructure;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An outbox row Kafka can never take (too large for the topic, a topic that does not exist, an invalid topic name)
 * does not hold back the rows behind it: they reach Kafka, the bad rows go to {@code strato.dead-letters} with the
 * reason, and the outbox drains.
 */
@ExtendWith(SharedInfrastructure.class)
class OutboxPoisonTest {

  @Test
  @DisplayName("poison rows in the outbox go to strato.dead-letters with their reason; the good row behind them is"
      + " delivered and the outbox drains")
  void poisonRowsAreDeadLettered() {
    TestCloud cloud = TestCloud.get();
    String tag = UUID.randomUUID().toString().substring(0, 8);
    Map<String, JsonObject> letters = new ConcurrentHashMap<>();
    Map<String, String> delivered = new ConcurrentHashMap<>();
    KafkaConsumer<String, String> dead = KafkaConsumer.create(cloud.vertx,
        KafkaSettings.consumer(cloud.settings, "dead-watch-" + tag));
    dead.handler(r -> {
      if (r.key() != null && r.key().endsWith(tag)) letters.put(r.key(), new JsonObject(r.value()));
    });
    TestCloud.await(dead.subscribe(Topics.DEAD_LETTERS));
    KafkaConsumer<String, String> events = KafkaConsumer.create(cloud.vertx,
        KafkaSettings.consumer(cloud.settings, "events-watch-" + tag));
    events.handler(r -> {
      if (r.key() != null && r.key().endsWith(tag)) delivered.put(r.key(), r.value());
    });
    TestCloud.await(events.subscribe(Topics.INSTANCE_EVENTS));

    Pool pool = TestCloud.await(Database.open(cloud.vertx, cloud.settings, "nova"));
    int limit = KafkaSettings.maxMessageBytes(cloud.settings);
    insert(pool, Topics.INSTANCE_EVENTS, "too-large-" + tag, "x".repeat(limit + 1024));
    insert(pool, "strato.no-such-topic-" + tag, "missing-" + tag, "{}");
    insert(pool, "not a topic name!", "invalid-" + tag, "{}");
    insert(pool, Topics.INSTANCE_EVENTS, "good-" + tag, "{\"ok\":true}");

    long deadline = System.currentTimeMillis() + 60_000;
    while (letters.size() < 3 || !delivered.containsKey("good-" + tag) || left(pool, tag) > 0) {
      assertThat(System.currentTimeMillis()).as("dead letters " + letters.keySet() + ", delivered "
          + delivered.keySet() + ", rows left " + left(pool, tag)).isLessThan(deadline);
      Thread.onSpinWait();
    }
    assertThat(delivered.get("good-" + tag)).isEqualTo("{\"ok\":true}");
    DeadLetter large = DeadLetter.fromJson(letters.get("too-large-" + tag));
    assertThat(large.reason()).contains("RecordTooLarge");
    assertThat(large.topic()).isEqualTo(Topics.INSTANCE_EVENTS);
    assertThat(large.payloadBytes()).isGreaterThan(limit);
    assertThat(large.payload()).as("a large payload is kept only by size").isNull();
    assertThat(large.requestId()).isEqualTo("req-" + tag);
    DeadLetter missing = DeadLetter.fromJson(letters.get("missing-" + tag));
    assertThat(missing.topic()).isEqualTo("strato.no-such-topic-" + tag);
    assertThat(missing.attempts()).isEqualTo(2);
    assertThat(missing.payload()).isEqualTo("{}");
    assertThat(DeadLetter.fromJson(letters.get("invalid-" + tag)).reason()).isNotBlank();
    TestCloud.await(dead.close());
    TestCloud.await(events.close());
    TestCloud.await(pool.close());
  }

  private static void insert(Pool pool, String topic, String key, String payload) {
    TestCloud.await(pool.preparedQuery("INSERT INTO outbox(topic, key, payload, request_id) VALUES ($1, $2, $3, $4)")
        .execute(Tuple.of(topic, key, payload, "req-" + key.substring(key.lastIndexOf('-') + 1))));
  }

  private static long left(Pool pool, String tag) {
    return TestCloud.await(pool.preparedQuery("SELECT count(*) FROM outbox WHERE key LIKE $1")
        .execute(Tuple.of("%" + tag))).iterator().next().getLong(0);
  }
}
