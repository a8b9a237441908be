package io.strato.conductor;

import io.strato.common.db.Outbox;
import io.strato.common.kafka.Topics;
import io.strato.common.lifecycle.TaskState;
import io.strato.common.lifecycle.VmState;
import io.strato.common.messages.InstanceUpdate;
import io.strato.common.messages.Notification;
import io.strato.common.messages.ServerAction;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What the conductor tells {@code strato.instance-events} when it applies a transition, in the transition's own
 * transaction (through the {@code nova} outbox), so a notification is sent if and only if the change committed:
 * a build that ends ({@code building} -> {@code active} / {@code error}) sends {@code instance.create.end} /
 * {@code instance.create.error}, a delete sends {@code instance.delete.end}. A build that ends also ends the batch
 * entries waiting on the instance; the entry that completes its batch sends {@code batch.end}, exactly once.
 *
 * <p>NOTE: rows go to the shared {@code outbox} table that the gateway's outbox relay moves to Kafka (the compute
 * API runs wherever instances are built), so a notification reaches Kafka within {@code gateway.outbox.poll.ms}.
 */
final class Lifecycle {
  static final String PUBLISHER = "strato-conductor";

  private Lifecycle() {}

  /** An applied transition: the instance's vm_state before it, and the row after it. */
  record Transition(String instanceId, VmState oldVmState, VmState vmState, TaskState taskState, String projectId,
      String userId, String host, String batchId, String idempotencyKey, JsonObject fault) {

    /** Reads the columns {@link #RETURNING} names. */
    static Transition from(Row r) {
      return new Transition(r.getUUID("id").toString(), VmState.of(r.getString("old_vm_state")),
          VmState.of(r.getString("vm_state")), TaskState.of(r.getString("task_state")), r.getString("project_id"),
          r.getString("user_id"), r.getString("host"),
          r.getString("batch_id"), r.getString("idempotency_key"), r.getJsonObject("fault"));
    }
  }

  /** What an UPDATE of {@code instances} returns for {@link Transition#from} (with {@code old_vm_state} beside). */
  static final String RETURNING = "id, project_id, user_id, flavor, vm_state, task_state, host, fault, batch_id,"
      + " idempotency_key";

  static Future<Void> announce(SqlConnection tx, Transition t, String requestId) {
    boolean wasBuilding = t.oldVmState() == VmState.BUILDING;
    String event;
    VmState outcome = null; // how a batch entry waiting on the instance ends
    if (t.vmState() == VmState.DELETED) {
      event = Notification.DELETE_END;
      if (wasBuilding) outcome = VmState.DELETED;
    } else if (wasBuilding && t.vmState() == VmState.ACTIVE) {
      event = Notification.CREATE_END;
      outcome = VmState.ACTIVE;
    } else if (wasBuilding && t.vmState() == VmState.ERROR) {
      event = Notification.CREATE_ERROR;
      outcome = VmState.ERROR;
    } else {
      return Future.succeededFuture();
    }
    JsonObject fault = Notification.CREATE_ERROR.equals(event) ? t.fault() : null;
    Notification n = Notification.instance(event, PUBLISHER, new Notification.InstancePayload(t.instanceId(),
        t.projectId(), t.userId(), t.vmState().wire(), TaskState.wireOf(t.taskState()), t.host(), t.batchId(),
        t.idempotencyKey(), fault),
        requestId);
    Future<Void> sent = add(tx, List.of(n));
    if (outcome == null || t.idempotencyKey() == null) return sent;
    String ended = outcome.wire();
    return sent.compose(v -> tx.preparedQuery("SELECT * FROM end_instance_entries($1, $2)")
        .execute(Tuple.of(UUID.fromString(t.instanceId()), ended))).compose(rows -> {
          List<Notification> ends = new ArrayList<>();
          for (Row r : rows) {
            ends.add(Notification.batchEnd(PUBLISHER, new Notification.BatchSummary(r.getString("batch_id"),
                r.getString("project_id"), r.getString("user_id"), r.getInteger("entries"), r.getInteger("active"),
                r.getInteger("error"), r.getInteger("deleted"), r.getInteger("refused")), r.getString("request_id")));
          }
          return add(tx, ends);
        });
  }

  /**
   * The one way the conductor itself ends a build in ERROR (a build that timed out, an instance a dead letter names):
   * a compare-and-set from {@code building} (and, when {@code quietForSeconds} is given, no progress for that long)
   * records {@code fault}, then in the same transaction announces {@code instance.create.error} ({@link #announce}),
   * gives the scheduler's claim back (the error update a failed build would send, on {@code strato.instance-updates}
   * through the outbox; its id is derived from {@code causeId}, so a cause repeated sends the same update) and orders
   * the host the build reached to remove what it made ({@link #abortBuild}). Quota stays taken, as for any instance in
   * ERROR, until it is deleted. A build that ends in ERROR by its own host's update needs none of these: the scheduler
   * reads that update itself and the host has undone its build. Answers whether the build was ended here.
   */
  static Future<Boolean> endedInError(SqlConnection tx, String instanceId, JsonObject fault, String requestId,
      Double quietForSeconds, String causeId) {
    String sql = "WITH old AS (SELECT id AS old_id, vm_state AS old_vm_state, task_state AS old_task_state"
        + " FROM instances WHERE id = $1 FOR UPDATE)"
        + " UPDATE instances SET vm_state = 'error', task_state = NULL, fault = $2, updated_at = now()"
        + " FROM old WHERE id = old_id AND id = $1 AND NOT deleted AND vm_state = 'building'"
        + " AND ($3::float8 IS NULL OR updated_at < now() - make_interval(secs => $3))"
        + " RETURNING old_vm_state, old_task_state, " + RETURNING
        + ", (SELECT request_id FROM instance_actions a WHERE a.instance_id = instances.id AND a.action = 'create'"
        + " ORDER BY a.id LIMIT 1) AS create_request_id";
    JsonObject recorded = fault.copy().put("created", DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
        .format(OffsetDateTime.now(ZoneOffset.UTC)));
    return tx.preparedQuery(sql).execute(Tuple.of(UUID.fromString(instanceId), recorded, quietForSeconds))
        .compose(rows -> {
          if (rows.size() == 0) return Future.succeededFuture(false);
          Row row = rows.iterator().next();
          String request = requestId != null ? requestId : row.getString("create_request_id");
          Transition t = Transition.from(row);
          String messageId = UUID.nameUUIDFromBytes((causeId + "\n" + instanceId).getBytes(StandardCharsets.UTF_8))
              .toString();
          InstanceUpdate claimBack = InstanceUpdate.error(messageId, instanceId,
              TaskState.of(row.getString("old_task_state")), null, null, fault.getInteger("code", 500),
              fault.getString("message"), fault.getString("details", ""), request);
          return announce(tx, t, request)
              .compose(v -> Outbox.add(tx, Topics.INSTANCE_UPDATES, instanceId, claimBack.toJson().encode(), request))
              .compose(v -> abortBuild(tx, instanceId, t.projectId(), t.host(), request))
              .map(true);
        });
  }

  private static Future<Void> add(SqlConnection tx, List<Notification> notifications) {
    return Outbox.addAll(tx, notifications);
  }

  /**
   * Orders {@code host}'s agent to remove what its build of the instance made (domain, disk, ports, the volumes it
   * created), once that build no longer runs there. Nothing when no host took the build.
   */
  static Future<Void> abortBuild(SqlConnection tx, String instanceId, String projectId, String host,
      String requestId) {
    if (host == null || host.isBlank()) return Future.succeededFuture();
    ServerAction order = new ServerAction(ServerAction.VERSION, UUID.randomUUID().toString(), instanceId, host,
        ServerAction.ABORT_BUILD, projectId, requestId);
    return Outbox.add(tx, Topics.assignmentsFor(host), host, order.toJson().encode(), requestId);
  }
}
