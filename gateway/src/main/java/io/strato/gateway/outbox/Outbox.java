package io.strato.gateway.outbox;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/**
 * The transactional outbox: a message is written in the same transaction as the change that needs it, so a
 * committed change always reaches Kafka, even when the process dies right after answering the client.
 */
public final class Outbox {
  private Outbox() {}

  public static Future<Void> add(SqlConnection tx, String topic, String key, String payload, String requestId) {
    return tx.preparedQuery("INSERT INTO outbox(topic, key, payload, request_id) VALUES ($1, $2, $3, $4)")
        .execute(Tuple.of(topic, key, payload, requestId)).mapEmpty();
  }
}
