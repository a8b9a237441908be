package io.strato.gateway.batches;

import io.strato.common.messages.Notification;
import io.strato.common.db.Outbox;
import io.strato.gateway.servers.ServerCreator;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The books of batch provisioning in the {@code nova} schema ({@code boot_batches}, {@code boot_batch_entries}):
 * which batches were accepted, what became of each entry, and when a batch has ended. Every change is made in one
 * transaction with the notifications it causes (outbox), so a redelivered batch finds its entries already decided
 * and a batch ends, with its {@code batch.end}, exactly once (see V2.sql, {@code count_batch_entry}).
 */
public final class BatchLedger {
  private static final String PUBLISHER = ServerCreator.PUBLISHER;
  private final Pool pool;

  public BatchLedger(Pool pool) {
    this.pool = pool;
  }

  /** What is known of one entry: its instance (with its state now) or its refusal. */
  record EntryRecord(String instanceId, String outcome, JsonObject fault, String userId, String vmState,
      String taskState, String host) {}

  /**
   * Accepts the batch, or finds it accepted before (a redelivery); false when the batch id is already taken by a
   * batch with other entries.
   */
  Future<Boolean> register(VerifiedBatch b) {
    String digest = b.batch().entriesDigest();
    return pool.preparedQuery("INSERT INTO boot_batches(project_id, batch_id, user_id, entries, entries_digest,"
            + " request_id) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING")
        .execute(Tuple.of(b.projectId(), b.batchId(), b.token().userId(), b.batch().entries().size(), digest,
            b.requestId()))
        .compose(r -> pool.preparedQuery("SELECT entries_digest FROM boot_batches WHERE project_id = $1"
            + " AND batch_id = $2").execute(Tuple.of(b.projectId(), b.batchId())))
        .map(rows -> digest.equals(rows.iterator().next().getString(0)));
  }

  /** The entry as decided by an earlier delivery of this batch, or null if it was never decided. */
  Future<EntryRecord> entry(VerifiedBatch b, String key) {
    return pool.preparedQuery("SELECT e.instance_id, e.outcome, e.fault, i.user_id, i.vm_state, i.task_state, i.host"
            + " FROM boot_batch_entries e LEFT JOIN instances i ON i.id = e.instance_id"
            + " WHERE e.project_id = $1 AND e.batch_id = $2 AND e.idempotency_key = $3")
        .execute(Tuple.of(b.projectId(), b.batchId(), key)).map(rows -> {
          if (rows.size() == 0) return null;
          Row r = rows.iterator().next();
          UUID id = r.getUUID("instance_id");
          return new EntryRecord(id == null ? null : id.toString(), r.getString("outcome"), r.getJsonObject("fault"),
              r.getString("user_id"), r.getString("vm_state"), r.getString("task_state"), r.getString("host"));
        });
  }

  /** Says again what an already-decided entry came to: the instance it made, or why it was refused. */
  Future<Void> reannounce(VerifiedBatch b, String key, EntryRecord e) {
    Notification n = e.instanceId() == null
        ? refusal(b, key, e.fault())
        : Notification.instance(Notification.CREATE_START, PUBLISHER, new Notification.InstancePayload(e.instanceId(),
            b.projectId(), e.userId(), e.vmState(), e.taskState(), e.host(), b.batchId(), key, null), b.requestId());
    return Outbox.add(pool, n);
  }

  /** In the create's transaction: the entry booted this new instance. */
  static Future<Void> accepted(SqlConnection tx, VerifiedBatch b, String key, String instanceId) {
    return tx.preparedQuery("INSERT INTO boot_batch_entries(project_id, batch_id, idempotency_key, instance_id)"
            + " VALUES ($1, $2, $3, $4)")
        .execute(Tuple.of(b.projectId(), b.batchId(), key, UUID.fromString(instanceId))).mapEmpty();
  }

  /** The entry fails without booting anything: recorded (once), announced, and counted towards the batch's end. */
  Future<Void> refused(VerifiedBatch b, String key, int code, String message) {
    JsonObject fault = new JsonObject().put("code", code).put("message", message);
    return pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO boot_batch_entries(project_id, batch_id,"
                + " idempotency_key, outcome, fault, ended_at) VALUES ($1, $2, $3, 'refused', $4, now())"
                + " ON CONFLICT DO NOTHING")
            .execute(Tuple.of(b.projectId(), b.batchId(), key, fault))
            .compose(r -> r.rowCount() == 0 ? Future.succeededFuture() : count(tx, b, "refused"))
            .compose(v -> Outbox.add(tx, refusal(b, key, fault))));
  }

  /**
   * When the project already has an instance with this key (an earlier batch made it), the entry follows that
   * instance instead of booting another: answers false when there is none. The instance row is locked while the
   * entry is written, so the conductor ending its build either sees the entry or has already ended it.
   */
  Future<Boolean> reused(VerifiedBatch b, String key) {
    return pool.withTransaction(tx -> tx.preparedQuery("SELECT id, user_id, vm_state, task_state, host, deleted,"
            + " launched_at FROM instances WHERE project_id = $1 AND idempotency_key = $2 FOR SHARE")
        .execute(Tuple.of(b.projectId(), key)).compose(rows -> {
          if (rows.size() == 0) return Future.succeededFuture(false);
          Row i = rows.iterator().next();
          String outcome = i.getOffsetDateTime("launched_at") != null ? "active"
              : "error".equals(i.getString("vm_state")) ? "error" : i.getBoolean("deleted") ? "deleted" : null;
          String id = i.getUUID("id").toString();
          Notification n = Notification.instance(Notification.CREATE_START, PUBLISHER,
              new Notification.InstancePayload(id, b.projectId(), i.getString("user_id"), i.getString("vm_state"),
                  i.getString("task_state"), i.getString("host"), b.batchId(), key, null), b.requestId());
          return tx.preparedQuery("INSERT INTO boot_batch_entries(project_id, batch_id, idempotency_key, instance_id,"
                  + " outcome, ended_at) VALUES ($1, $2, $3, $4, $5, CASE WHEN $5::text IS NULL THEN NULL ELSE now()"
                  + " END) ON CONFLICT DO NOTHING")
              .execute(Tuple.of(b.projectId(), b.batchId(), key, i.getUUID("id"), outcome))
              .compose(r -> r.rowCount() == 0 || outcome == null ? Future.succeededFuture() : count(tx, b, outcome))
              .compose(v -> Outbox.add(tx, n)).map(true);
        }));
  }

  /** A batch refused as a whole: only the notification, no state (a forged batch must not take a batch id). */
  Future<Void> refuseBatch(String batchId, String projectId, String reason, String requestId) {
    return Outbox.add(pool, Notification.batchRefused(PUBLISHER, batchId, projectId, reason, requestId));
  }

  /**
   * In the caller's transaction: an instance's build ended without the conductor (deleted before any host took
   * it); its batch entries end as {@code deleted}, and any batch this completes sends batch.end.
   */
  public static Future<Void> instanceEnded(SqlConnection tx, String instanceId, String outcome) {
    return tx.preparedQuery("SELECT * FROM end_instance_entries($1, $2)")
        .execute(Tuple.of(UUID.fromString(instanceId), outcome)).compose(rows -> Outbox.addAll(tx, batchEnds(rows)));
  }

  private static Future<Void> count(SqlConnection tx, VerifiedBatch b, String outcome) {
    return tx.preparedQuery("SELECT * FROM count_batch_entry($1, $2, $3) WHERE ended_at IS NOT NULL")
        .execute(Tuple.of(b.projectId(), b.batchId(), outcome)).compose(rows -> Outbox.addAll(tx, batchEnds(rows)));
  }

  /** batch.end for each row of {@code boot_batches} that just ended. */
  static List<Notification> batchEnds(RowSet<Row> rows) {
    List<Notification> out = new ArrayList<>();
    for (Row r : rows) {
      out.add(Notification.batchEnd(PUBLISHER, new Notification.BatchSummary(r.getString("batch_id"),
          r.getString("project_id"), r.getString("user_id"), r.getInteger("entries"), r.getInteger("active"),
          r.getInteger("error"), r.getInteger("deleted"), r.getInteger("refused")), r.getString("request_id")));
    }
    return out;
  }

  private static Notification refusal(VerifiedBatch b, String key, JsonObject fault) {
    return Notification.instance(Notification.CREATE_ERROR, PUBLISHER, new Notification.InstancePayload(null,
        b.projectId(), b.token().userId(), null, null, null, b.batchId(), key, fault), b.requestId());
  }
}
