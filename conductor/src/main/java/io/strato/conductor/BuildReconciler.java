package io.strato.conductor;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * No instance stays in BUILD forever: every {@code conductor.reconcile.interval.seconds}, an instance that has been
 * building without any progress for {@code conductor.build.timeout.seconds} (its scheduler or agent died, a message
 * was lost) goes to ERROR with a fault saying in which step it stopped, announced as {@code instance.create.error}.
 * Compare-and-set on the state it was seen in, so a build that moves on meanwhile is left alone; several conductors
 * may run it at once.
 */
public final class BuildReconciler extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(BuildReconciler.class);
  private final Pool pool;
  private final Duration timeout;
  private final Duration interval;

  public BuildReconciler(Pool pool, Duration timeout, Duration interval) {
    this.pool = pool;
    this.timeout = timeout;
    this.interval = interval;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(interval.toMillis(), id -> reconcile());
    return Future.succeededFuture();
  }

  Future<Integer> reconcile() {
    String sql = "UPDATE instances SET vm_state = 'error', task_state = NULL, updated_at = now(),"
        + " fault = jsonb_build_object('code', 500, 'created', to_char(now() AT TIME ZONE 'UTC',"
        + " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), 'message', 'Build of instance ' || id || ' timed out after ' || $1"
        + " || ' s in task state ' || coalesce(task_state, 'none'), 'details', '')"
        + " WHERE NOT deleted AND vm_state = 'building' AND updated_at < now() - make_interval(secs => $1)"
        + " RETURNING 'building' AS old_vm_state, " + Lifecycle.RETURNING
        + ", (SELECT request_id FROM instance_actions a WHERE a.instance_id = instances.id AND a.action = 'create'"
        + " ORDER BY a.id LIMIT 1) AS request_id";
    return pool.withTransaction(tx -> tx.preparedQuery(sql).execute(Tuple.of((double) timeout.toSeconds()))
        .compose(rows -> {
          Future<Void> announced = Future.succeededFuture();
          for (Row r : rows) {
            LOG.warn("instance {} timed out while building; it is now in ERROR", r.getUUID("id"));
            announced = announced.compose(v -> Lifecycle.announce(tx, Lifecycle.Transition.from(r),
                r.getString("request_id")));
          }
          return announced.map(v -> rows.rowCount());
        }))
        .onFailure(e -> LOG.warn("reconciling stuck builds failed: {}", e.toString()));
  }

}
