package io.strato.common.db;

import io.strato.common.kafka.Topics;
import io.strato.common.messages.Notification;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * The transactional outbox of the {@code nova} schema (written by the compute API and the conductor, moved to Kafka
 * by {@link OutboxRelay}): a message is written in the same transaction as the change that needs it, so a committed
 * change always reaches Kafka, even when the process dies right after answering the client.
 */
public final class Outbox {
  private static final String INSERT = "INSERT INTO outbox(topic, key, payload, request_id) VALUES ($1, $2, $3, $4)";
  private static final String INSERT_LEASED = "INSERT INTO outbox(topic, key, payload, request_id, next_attempt_at)"
      + " VALUES ($1, $2, $3, $4, now() + $5 * interval '1 millisecond') RETURNING id";

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

  /**
   * Several rows of (topic, key, payload, request id) in one round trip, for the committing process to hand to its
   * relay once the transaction committed ({@link OutboxRelay#handOff}): no relay's poll takes them before
   * {@code leaseMs} has passed, so only the hand-off sends them unless the process dies first (then the poll does,
   * after the lease). Answers the rows with their ids, in order.
   */
  public static Future<List<OutboxMessage>> addForHandOff(SqlClient tx, List<Tuple> rows, long leaseMs) {
    if (rows.isEmpty()) return Future.succeededFuture(List.of());
    List<Tuple> leased = rows.stream().map(r -> Tuple.of(r.getValue(0), r.getValue(1), r.getValue(2), r.getValue(3),
        leaseMs)).toList();
    return tx.preparedQuery(INSERT_LEASED).executeBatch(leased).map(first -> {
      List<OutboxMessage> messages = new ArrayList<>(rows.size());
      int i = 0;
      for (RowSet<Row> one = first; one != null; one = one.next(), i++) {
        Tuple r = rows.get(i);
        messages.add(new OutboxMessage(one.iterator().next().getLong("id"), r.getString(0), r.getString(1),
            r.getString(2), r.getString(3)));
      }
      return messages;
    });
  }

  /** Several notifications in one round trip. */
  public static Future<Void> addAll(SqlClient tx, List<Notification> notifications) {
    return addRows(tx, notifications.stream().map(n -> Tuple.of(Topics.INSTANCE_EVENTS, n.key(), n.toJson().encode(),
        n.requestId())).toList());
  }
}
