package io.strato.agent;

import io.strato.common.kafka.HostPartitions;
import io.strato.common.kafka.Topics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The partitions of {@code strato.assignments} that hold an agent's hosts' orders, assigned to its consumer.
 *
 * <p>Assigned rather than subscribed: each agent process has its own consumer group (for its commits only), and
 * reads the partitions {@link HostPartitions} computes for its hosts with the topic's actual partition count, which
 * is where the producers' default partitioner puts records keyed by those hosts. No group rebalances, and no agent
 * depends on another being up. Two processes serving the same host would both read its orders (as two members of a
 * subscribed group could not): an agent host name must be unique, as it is for Nova's compute service.
 */
record AssignmentPartitions(Map<TopicPartition, List<String>> hostsByPartition) {
  private static final int METADATA_ATTEMPTS = 30;
  private static final long METADATA_RETRY_MS = 500;

  /** Assigns {@code consumer} the partitions of {@code hosts}' orders; fails if the topic never shows up. */
  static Future<AssignmentPartitions> assign(Vertx vertx, KafkaConsumer<String, String> consumer,
      Collection<String> hosts) {
    return partitionCount(vertx, consumer, METADATA_ATTEMPTS).compose(count -> {
      AssignmentPartitions mine = new AssignmentPartitions(HostPartitions.of(hosts, count));
      return consumer.assign(mine.hostsByPartition().keySet()).map(v -> mine);
    });
  }

  /** The most of these hosts on any one partition (1 for a single host). */
  int mostHostsOnOnePartition() {
    return hostsByPartition.values().stream().mapToInt(List::size).max().orElse(1);
  }

  /** A topic created a moment ago may not be in the broker's metadata yet: ask again a while. */
  private static Future<Integer> partitionCount(Vertx vertx, KafkaConsumer<String, String> consumer, int attemptsLeft) {
    return consumer.partitionsFor(Topics.ASSIGNMENTS).map(List::size).recover(e -> Future.succeededFuture(0))
        .compose(count -> {
          if (count > 0) return Future.succeededFuture(count);
          if (attemptsLeft <= 1) {
            return Future.failedFuture(new IllegalStateException(Topics.ASSIGNMENTS + " has no partitions"));
          }
          Promise<Integer> later = Promise.promise();
          vertx.setTimer(METADATA_RETRY_MS, t -> partitionCount(vertx, consumer, attemptsLeft - 1).onComplete(later));
          return later.future();
        });
  }
}
