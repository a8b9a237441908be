package io.strato.common.kafka;

import io.strato.common.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.NewTopic;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates Strato's topics at start-up with their partitions, replication and cleanup policy, instead of relying
 * on auto-creation. Safe to run from every service at once: a topic someone else just created is fine.
 */
public final class TopicCreator {
  private TopicCreator() {}

  public static Future<Void> ensure(Vertx vertx, Settings settings) {
    KafkaAdminClient admin = KafkaAdminClient.create(vertx, KafkaSettings.admin(settings));
    short replication = (short) settings.getInt("kafka.replication.factor");
    return admin.listTopics()
        .compose(existing -> create(admin, existing, replication, settings))
        .eventually(() -> admin.close());
  }

  private static Future<Void> create(KafkaAdminClient admin, Set<String> existing, short replication,
      Settings settings) {
    List<NewTopic> missing = Topics.ALL.stream().filter(t -> !existing.contains(t.name())).map(t -> {
      NewTopic topic = new NewTopic(t.name(), settings.getInt(t.partitionsSetting()), replication);
      Map<String, String> config = new java.util.HashMap<>();
      if (t.compacted()) config.put("cleanup.policy", t.retentionSetting() == null ? "compact" : "compact,delete");
      if (t.retentionSetting() != null) config.put("retention.ms", settings.get(t.retentionSetting()));
      config.put("max.message.bytes", String.valueOf(KafkaSettings.maxMessageBytes(settings)));
      if (replication > 1) config.put("min.insync.replicas", "2");
      return topic.setConfig(config);
    }).toList();
    if (missing.isEmpty()) return Future.succeededFuture();
    return admin.createTopics(missing).recover(e -> e instanceof TopicExistsException
        || e.getCause() instanceof TopicExistsException ? Future.succeededFuture() : Future.failedFuture(e));
  }
}
