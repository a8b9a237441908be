package io.strato.gateway.servers;

import io.strato.common.auth.Token;
import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.strato.common.lifecycle.VmState;
import io.strato.gateway.ComputePolicy;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * A change to one instance's own data (metadata, tags, lock) made under its row lock, after Nova's checks in Nova's
 * order: another project's instance is not found (404); a locked one refuses everyone but admins (409, Nova's
 * {@code check_instance_lock}); one outside {@code vmStates}, or with a task running when {@code idleOnly}, is a
 * conflict (409, Nova's {@code check_instance_state}).
 */
public final class InstanceEdit {
  private final Pool pool;

  public InstanceEdit(Pool pool) {
    this.pool = pool;
  }

  /** Where Nova lets metadata and tags change: a built server, running or not. */
  public static final Set<VmState> SETTLED =
      Set.of(VmState.ACTIVE, VmState.PAUSED, VmState.SUSPENDED, VmState.STOPPED);

  /** Applies {@code change} to the instance {@code id} (as the URL names it: 404 unless a live instance's UUID). */
  public <T> Future<T> apply(String id, Token token, String action, Set<VmState> vmStates, boolean idleOnly,
      BiFunction<SqlConnection, Instance, Future<T>> change) {
    if (!Fields.isUuid(id)) return Future.failedFuture(Instances.notFound(id));
    return pool.withTransaction(tx -> Instances.get(tx, Fields.uuid(id, "id"), true).compose(i -> {
      if (!ComputePolicy.canSee(token, i.projectId())) throw Instances.notFound(id);
      if (i.locked() && !token.isAdmin()) throw locked(id);
      if (!vmStates.contains(i.vmState()) || (idleOnly && i.taskState() != null)) throw invalidState(i, action);
      return change.apply(tx, i);
    }));
  }

  static ApiException locked(String id) {
    return ApiException.conflict("Instance " + id + " is locked");
  }

  /** Nova's {@code raise_http_conflict_for_instance_invalid_state}. */
  static ApiException invalidState(Instance i, String action) {
    return ApiException.conflict("Cannot '" + action + "' instance " + i.id() + " while it is in vm_state "
        + i.vmState().wire() + (i.taskState() == null ? "" : " and task_state " + i.taskState().wire()));
  }
}
