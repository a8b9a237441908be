package io.strato.common.kafka;

import io.strato.common.config.Settings;
import java.util.HashMap;
import java.util.Map;

/**
 * Producer, consumer and admin properties every Strato service uses: durable producers, manual-commit consumers, and
 * on all of them the client security of {@link KafkaSecurity} (TLS, SASL/SCRAM).
 */
public final class KafkaSettings {
  private KafkaSettings() {}

  /** acks=all and idempotent, so a retried send never writes a record twice. */
  public static Map<String, String> producer(Settings settings, String clientId) {
    Map<String, String> p = new HashMap<>();
    p.put("bootstrap.servers", settings.get("kafka.bootstrap"));
    p.put("client.id", clientId);
    p.put("acks", "all");
    p.put("enable.idempotence", "true");
    p.put("linger.ms", "1");
    p.put("max.request.size", String.valueOf(maxMessageBytes(settings)));
    p.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    p.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    p.putAll(KafkaSecurity.clientProperties(settings));
    return p;
  }

  /** No auto-commit: a consumer commits after its effects (STYLE.md rule 6). */
  public static Map<String, String> consumer(Settings settings, String groupId) {
    Map<String, String> p = new HashMap<>();
    p.put("bootstrap.servers", settings.get("kafka.bootstrap"));
    p.put("group.id", groupId);
    p.put("enable.auto.commit", "false");
    p.put("max.poll.interval.ms", String.valueOf(maxPollIntervalMs(settings)));
    p.put("auto.offset.reset", "earliest");
    // NOTE: every blocking call of the client (commitSync, endOffsets, position) runs on the thread that polls; bounded
    // well below max.poll.interval.ms, a broker outage cannot starve polling and get the consumer evicted.
    p.put("default.api.timeout.ms", String.valueOf(settings.getLong("kafka.consumer.api.timeout.ms")));
    p.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    p.put("value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    p.putAll(KafkaSecurity.clientProperties(settings));
    return p;
  }

  /**
   * The largest record Strato's topics accept ({@code kafka.max.message.bytes}): topics are created with it and
   * producers send up to it, so whatever a service checked against it is accepted by Kafka.
   */
  /** How long a consumer may go without polling before its group evicts it; also its liveness bound. */
  public static long maxPollIntervalMs(Settings settings) {
    return settings.getLong("kafka.max.poll.interval.ms");
  }

  public static int maxMessageBytes(Settings settings) {
    return settings.getInt("kafka.max.message.bytes");
  }

  /**
   * Room kept below {@link #maxMessageBytes} for what later hops add around a boot request, and for Kafka's framing:
   * the scheduler's assignment wraps the whole boot request with its host, alternates and ids, and a reschedule adds
   * the hosts already tried (host names of up to 230 characters, a dozen attempts), plus each record's key and
   * request-id header.
   */
  public static final int BOOT_REQUEST_HEADROOM = 8192;

  /** The largest boot request the compute API may write, so every record made from it fits the topics. */
  public static int maxBootRequestBytes(Settings settings) {
    return maxMessageBytes(settings) - BOOT_REQUEST_HEADROOM;
  }

  public static Map<String, String> admin(Settings settings) {
    Map<String, String> p = new HashMap<>();
    p.put("bootstrap.servers", settings.get("kafka.bootstrap"));
    p.putAll(KafkaSecurity.clientProperties(settings));
    return p;
  }
}
