package io.strato.testkit;

import io.strato.common.config.Settings;
import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.Topics;
import io.strato.common.messages.DeadLetter;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/** Reads a topic from the beginning, in a group of its own, until a record matches (for up to 30 s). */
public final class TopicRecords {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private TopicRecords() {}

  /** The first record of {@code topic} that matches; fails the test if none does within 30 s. */
  public static ConsumerRecord<String, String> await(Settings settings, String topic,
      Predicate<ConsumerRecord<String, String>> match) {
    Properties p = new Properties();
    p.putAll(KafkaSettings.consumer(settings, "topic-reader-" + UUID.randomUUID()));
    try (var reader = new KafkaConsumer<String, String>(p)) {
      reader.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : reader.poll(Duration.ofMillis(500))) {
          if (match.test(r)) return r;
        }
      }
    }
    throw new AssertionError("no matching record on " + topic + " within " + TIMEOUT);
  }

  /** The record of {@code topic} keyed by {@code key}. */
  public static JsonObject keyed(Settings settings, String topic, String key) {
    return new JsonObject(await(settings, topic, r -> key.equals(r.key())).value());
  }

  /** The dead letter of the record keyed by {@code key} (the dead letter keeps the original key). */
  public static DeadLetter deadLetter(Settings settings, String key) {
    return DeadLetter.fromJson(keyed(settings, Topics.DEAD_LETTERS, key));
  }
}
