package io.strato.gateway.servers;

import io.strato.common.auth.Token;
import io.strato.common.http.ApiException;
import io.strato.common.kafka.Topics;
import io.strato.common.lifecycle.TaskState;
import io.strato.common.lifecycle.VmState;
import io.strato.common.messages.Cancellation;
import io.strato.common.messages.Notification;
import io.strato.common.messages.ServerAction;
import io.strato.gateway.ComputePolicy;
import io.strato.gateway.actions.InstanceActions;
import io.strato.gateway.batches.BatchLedger;
import io.strato.common.db.Outbox;
import io.strato.common.db.OutboxRelay;
import io.strato.gateway.quotas.Quotas;
import io.strato.gateway.servers.action.ActionGuard;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.Set;
import java.util.UUID;

/**
 * Delete, reboot, stop, start, pause, unpause, suspend, resume, lock and unlock. Each checks the instance's state as Nova does (409 when the state does not allow
 * it), sets the task state, records the instance action and queues the order for the host's agent in the outbox,
 * all in one transaction. An instance no host has taken yet is deleted on the spot (Nova's "local delete").
 */
public final class ServerActions {
  private final Pool pool;
  private final Quotas quotas;
  private final OutboxRelay relay;

  public ServerActions(Pool pool, Quotas quotas, OutboxRelay relay) {
    this.pool = pool;
    this.quotas = quotas;
    this.relay = relay;
  }

  private record Rule(String action, Set<VmState> vmStates, TaskState taskState, String agentAction) {}

  private static final Rule STOP =
      new Rule("stop", Set.of(VmState.ACTIVE, VmState.ERROR), TaskState.POWERING_OFF, "stop");
  private static final Rule START = new Rule("start", Set.of(VmState.STOPPED), TaskState.POWERING_ON, "start");
  private static final Rule REBOOT_SOFT =
      new Rule("reboot", Set.of(VmState.ACTIVE), TaskState.REBOOTING, "reboot-soft");
  private static final Rule REBOOT_HARD = new Rule("reboot", Set.of(VmState.ACTIVE, VmState.STOPPED, VmState.ERROR),
      TaskState.REBOOTING_HARD, "reboot-hard");

  private static final Rule PAUSE = new Rule("pause", Set.of(VmState.ACTIVE), TaskState.PAUSING, "pause");
  private static final Rule UNPAUSE = new Rule("unpause", Set.of(VmState.PAUSED), TaskState.UNPAUSING, "unpause");
  private static final Rule SUSPEND =
      new Rule("suspend", Set.of(VmState.ACTIVE, VmState.SHELVED), TaskState.SUSPENDING, "suspend");
  private static final Rule RESUME = new Rule("resume", Set.of(VmState.SUSPENDED), TaskState.RESUMING, "resume");

  public Future<Void> delete(String id, Token token, String requestId) {
    return pool.withTransaction(tx -> Instances.get(tx, id, true).compose(i -> {
      if (!ComputePolicy.canSee(token, i.projectId())) throw Instances.notFound(id);
      if (i.locked() && !token.isAdmin()) throw ApiException.conflict("Instance " + id + " is locked");
      Future<Void> recorded = InstanceActions.record(tx, id, requestId, "delete", token.userId(), token.projectId());
      if (i.host() == null) {
        return recorded.compose(v -> Instances.markDeleted(tx, id)).compose(changed -> !changed
            ? Future.succeededFuture()
            : quotas.release(tx, i.projectId(), 1, i.flavor().getInteger("vcpus"), i.flavor().getInteger("ram"))
                .compose(v -> cancelPlacement(tx, i, requestId))
                .compose(v -> announceLocalDelete(tx, i, requestId)));
      }
      if (i.taskState() == TaskState.DELETING) return recorded;
      return recorded.compose(v -> Instances.startTask(tx, id, TaskState.DELETING))
          .compose(v -> order(tx, i, "delete", requestId));
    })).onSuccess(v -> relay.nudge());
  }

  public Future<Void> stop(String id, Token token, String requestId) {
    return act(id, token, requestId, STOP);
  }

  public Future<Void> start(String id, Token token, String requestId) {
    return act(id, token, requestId, START);
  }

  public Future<Void> reboot(String id, Token token, String requestId, boolean hard) {
    return act(id, token, requestId, hard ? REBOOT_HARD : REBOOT_SOFT);
  }

  public Future<Void> pause(String id, Token token, String requestId) {
    return act(id, token, requestId, PAUSE);
  }

  public Future<Void> unpause(String id, Token token, String requestId) {
    return act(id, token, requestId, UNPAUSE);
  }

  public Future<Void> suspend(String id, Token token, String requestId) {
    return act(id, token, requestId, SUSPEND);
  }

  public Future<Void> resume(String id, Token token, String requestId) {
    return act(id, token, requestId, RESUME);
  }

  /**
   * Locks or unlocks the server (any state; Nova's lock and unlock actions, recorded as such): while locked, every
   * action and change but an admin's answers 409. A server an admin locked stays locked for its members.
   */
  public Future<Void> lock(String id, Token token, String requestId, boolean locked) {
    return pool.withTransaction(tx -> Instances.get(tx, id, true).compose(i -> {
      if (!ComputePolicy.canSee(token, i.projectId())) throw Instances.notFound(id);
      // Nova's locked_by: "owner" when the server's project locked it, "admin" when another project's admin did.
      String by = locked ? (token.projectId().equals(i.projectId()) ? "owner" : "admin") : null;
      boolean override = token.isAdmin();
      return tx.preparedQuery("UPDATE instances SET locked = $2, locked_by = $3, updated_at = now() WHERE id = $1"
              + " AND ($4 OR locked_by IS DISTINCT FROM 'admin')")
          .execute(Tuple.of(UUID.fromString(id), locked, by, override)).compose(r -> {
            if (r.rowCount() == 0) {
              throw ApiException.forbidden("Policy doesn't allow os_compute_api:os-lock-server:unlock:unlock_override"
                  + " to be performed.");
            }
            return InstanceActions.record(tx, id, requestId, locked ? "lock" : "unlock", token.userId(),
                token.projectId());
          });
    }));
  }

  private Future<Void> act(String id, Token token, String requestId, Rule rule) {
    return pool.withTransaction(tx -> Instances.get(tx, id, true).compose(i -> {
      ActionGuard.inState(ActionGuard.actable(token, i), rule.action(), rule.vmStates());
      return InstanceActions.record(tx, id, requestId, rule.action(), token.userId(), token.projectId())
          .compose(v -> Instances.startTask(tx, id, rule.taskState()))
          .compose(v -> order(tx, i, rule.agentAction(), requestId));
    })).onSuccess(v -> relay.nudge());
  }

  /**
   * A local delete ends the instance here rather than in the conductor: instance.delete.end, and a batch entry
   * still building ends as {@code deleted} (which may end its batch).
   */
  static Future<Void> announceLocalDelete(SqlConnection tx, Instance i, String requestId) {
    return tx.preparedQuery("SELECT batch_id, idempotency_key FROM instances WHERE id = $1")
        .execute(Tuple.of(UUID.fromString(i.id()))).compose(rows -> {
          Row r = rows.iterator().next();
          Notification n = Notification.instance(Notification.DELETE_END, ServerCreator.PUBLISHER,
              new Notification.InstancePayload(i.id(), i.projectId(), i.userId(), VmState.DELETED.wire(), null, null,
                  r.getString("batch_id"), r.getString("idempotency_key"), null), requestId);
          return Outbox.add(tx, n);
        })
        .compose(v -> i.vmState() == VmState.BUILDING ? BatchLedger.instanceEnded(tx, i.id(), VmState.DELETED.wire())
            : Future.succeededFuture());
  }

  /**
   * Tells the schedulers not to place the instance (docs/pipeline.md, "Cancel before placement"): its boot request may
   * still be on its way to them. A scheduler that placed it already re-sends its assignment, and the agent finds the
   * instance deleted and gives the claim back.
   */
  private static Future<Void> cancelPlacement(SqlConnection tx, Instance i, String requestId) {
    return Outbox.add(tx, Topics.CANCELLATIONS, i.id(), Cancellation.of(i.id()).toJson().encode(), requestId);
  }

  private static Future<Void> order(SqlConnection tx, Instance i, String action, String requestId) {
    ServerAction order = new ServerAction(ServerAction.VERSION, UUID.randomUUID().toString(), i.id(), i.host(), action,
        i.projectId(), requestId);
    return Outbox.add(tx, Topics.ASSIGNMENTS, i.host(), order.toJson().encode(), requestId);
  }
}
