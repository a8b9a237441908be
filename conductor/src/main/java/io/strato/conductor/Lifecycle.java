package io.strato.conductor;

import io.strato.common.db.Outbox;
import io.strato.common.kafka.Topics;
import io.strato.common.lifecycle.TaskState;
import io.strato.common.lifecycle.VmState;
import io.strato.common.messages.Notification;
import io.strato.common.messages.ServerAction;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
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
    return Outbox.add(tx, Topics.ASSIGNMENTS, host, order.toJson().encode(), requestId);
  }
}
