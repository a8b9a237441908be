package io.strato.gateway.outbox;

import io.strato.common.kafka.Topics;
import io.strato.common.messages.Notification;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/**
 * The transactional outbox: a message is written in the same transaction as the change that needs it, so a
 * committed change always reaches Kafka, even when the process dies right after answering the client.
 */
public final class Outbox {
  private Outbox() {}

  public static Future<Void> add(SqlClient tx, String topic, String key, String payload, String requestId) {
    return tx.preparedQuery("INSERT INTO outbox(topic, key, payload, request_id) VALUES ($1, $2, $3, $4)")
        .execute(Tuple.of(topic, key, payload, requestId)).mapEmpty();
  }

  /** A lifecycle notification for {@code strato.instance-events}, keyed as {@link Notification#key()} says. */
  public static Future<Void> add(SqlClient tx, Notification n) {
    return add(tx, Topics.INSTANCE_EVENTS, n.key(), n.toJson().encode(), n.requestId());
  }

  /** Several rows of (topic, key, payload, request id) in one round trip. */
  public static Future<Void> addRows(SqlClient tx, List<Tuple> rows) {
    if (rows.isEmpty()) return Future.succeededFuture();
    return tx.preparedQuery("INSERT INTO outbox(topic, key, payload, request_id) VALUES ($1, $2, $3, $4)")
        .executeBatch(rows).mapEmpty();
  }

  /** Several notifications in one round trip. */
  public static Future<Void> addAll(SqlClient tx, List<Notification> notifications) {
    if (notifications.isEmpty()) return Future.succeededFuture();
    return tx.preparedQuery("INSERT INTO outbox(topic, key, payload, request_id) VALUES ($1, $2, $3, $4)")
        .executeBatch(notifications.stream().map(n -> Tuple.of(Topics.INSTANCE_EVENTS, n.key(), n.toJson().encode(),
            n.requestId())).toList()).mapEmpty();
  }
}
