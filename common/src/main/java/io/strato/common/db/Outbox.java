package io.strato.common.db;

import io.strato.common.kafka.Topics;
import io.strato.common.messages.Notification;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/**
 * The transactional outbox of the {@code nova} schema (written by the compute API and the conductor, moved to Kafka
 * by {@link OutboxRelay}): a message is written in the same transaction as the change that needs it, so a committed
 * change always reaches Kafka, even when the process dies right after answering the client.
 */
public final class Outbox {
  private static final String INSERT = "INSERT INTO outbox(topic, key, payload, request_id) VALUES ($1, $2, $3, $4)";

  private Outbox() {}

  public static Future<Void> add(SqlClient tx, String topic, String key, String payload, String requestId) {
    return tx.preparedQuery(INSERT).execute(Tuple.of(topic, key, payload, requestId)).mapEmpty();
  }

  /** A lifecycle notification for {@code strato.instance-events}, keyed as {@link Notification#key()} says. */
  public static Future<Void> add(SqlClient tx, Notification n) {
    return add(tx, Topics.INSTANCE_EVENTS, n.key(), n.toJson().encode(), n.requestId());
  }

  /** Several rows of (topic, key, payload, request id) in one round trip. */
  public static Future<Void> addRows(SqlClient tx, List<Tuple> rows) {
    if (rows.isEmpty()) return Future.succeededFuture();
    return tx.preparedQuery(INSERT).executeBatch(rows).mapEmpty();
  }

  /** Several notifications in one round trip. */
  public static Future<Void> addAll(SqlClient tx, List<Notification> notifications) {
    return addRows(tx, notifications.stream().map(n -> Tuple.of(Topics.INSTANCE_EVENTS, n.key(), n.toJson().encode(),
        n.requestId())).toList());
  }
}
