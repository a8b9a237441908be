package io.strato.common.kafka;

import io.vertx.kafka.client.common.TopicPartition;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Utils;

/**
 * Where a host's orders live on {@code strato.assignments}: records are keyed by host name, and Kafka's default
 * partitioner puts a keyed record on {@code toPositive(murmur2(utf8(key))) % partitions}. This is that formula, so
 * an agent can read exactly the partitions its hosts' orders land on without asking the producer.
 */
public final class HostPartitions {
  private HostPartitions() {}

  /** The partition of {@code host}'s orders on a topic of {@code partitions} partitions. */
  public static int of(String host, int partitions) {
    if (partitions < 1) throw new IllegalArgumentException("partitions must be >= 1");
    return Utils.toPositive(Utils.murmur2(host.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  /** The assignment partitions holding {@code hosts}' orders, each with the hosts it holds (in the given order). */
  public static Map<TopicPartition, List<String>> of(Collection<String> hosts, int partitions) {
    Map<TopicPartition, List<String>> byPartition = new LinkedHashMap<>();
    for (String host : hosts) {
      byPartition.computeIfAbsent(new TopicPartition(Topics.ASSIGNMENTS, of(host, partitions)),
          tp -> new java.util.ArrayList<>()).add(host);
    }
    return byPartition;
  }
}
