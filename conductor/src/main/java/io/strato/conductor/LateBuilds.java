package io.strato.conductor;

import io.strato.common.lifecycle.VmState;
import io.strato.common.messages.InstanceUpdate;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A host still building an instance the conductor no longer builds: the instance was ended in ERROR (its build timed
 * out, perhaps before this host's first update was recorded, as when the broker was down; a message about it was
 * dead-lettered) or deleted (before any host took it, so no delete order went to a host). The compare-and-set refuses
 * the host's update; this tells that host, in the same transaction, to remove what its build made (an
 * {@code abort-build} order, see {@link Lifecycle#abortBuild}), so no domain outlives its instance. The agent acts on
 * it once the build no longer runs there, and only if its record still says the build is over.
 *
 * <p>Only the updates of a build that goes on (a step, ACTIVE) count: a build that ends in ERROR has undone itself,
 * and an instance being deleted gets its delete order from the compute API.
 */
final class LateBuilds {
  private static final Logger LOG = LoggerFactory.getLogger(LateBuilds.class);

  private LateBuilds() {}

  /** Called for an update the compare-and-set refused; answers whether an abort-build order was written. */
  static Future<Boolean> abortIfEnded(SqlConnection tx, InstanceUpdate u) {
    if (u.host() == null || u.expectedVmState() != VmState.BUILDING || u.vmState() == VmState.ERROR
        || u.vmState() == VmState.DELETED) {
      return Future.succeededFuture(false);
    }
    return tx.preparedQuery("SELECT project_id, deleted FROM instances WHERE id = $1 AND (deleted OR vm_state = $2)")
        .execute(Tuple.of(UUID.fromString(u.instanceId()), VmState.ERROR.wire()))
        .compose(rows -> {
          if (rows.size() == 0) return Future.succeededFuture(false);
          Row r = rows.iterator().next();
          LOG.warn("[{}] {} still builds instance {}, which is {}: ordering it to remove the build", u.requestId(),
              u.host(), u.instanceId(), r.getBoolean("deleted") ? "deleted" : "in ERROR");
          return Lifecycle.abortBuild(tx, u.instanceId(), r.getString("project_id"), u.host(), u.requestId())
              .map(true);
        });
  }
}
