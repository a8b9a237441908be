package io.strato.conductor;

import io.strato.common.kafka.Topics;
import io.strato.common.messages.ServerAction;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * No instance stays in BUILD forever: every {@code conductor.reconcile.interval.seconds}, an instance that has been
 * building without any progress for {@code conductor.build.timeout.seconds} (its scheduler or agent died, a message
 * was lost) goes to ERROR with a fault saying in which step it stopped, announced as {@code instance.create.error}.
 * Compare-and-set on the state it was seen in, so a build that moves on meanwhile is left alone; several conductors
 * may run it at once. When the build had reached a host, that host's agent is told in the same transaction (an
 * {@code abort-build} order through the outbox) to remove what the build made, once it is no longer running there: a
 * build that was only slow must not leave a domain running for an instance in ERROR.
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
            Lifecycle.Transition t = Lifecycle.Transition.from(r);
            announced = announced.compose(v -> Lifecycle.announce(tx, t, r.getString("request_id")))
                .compose(v -> abortOnHost(tx, t, r.getString("request_id")));
          }
          return announced.map(v -> rows.rowCount());
        }))
        .onFailure(e -> LOG.warn("reconciling stuck builds failed: {}", e.toString()));
  }

  private static Future<Void> abortOnHost(SqlConnection tx, Lifecycle.Transition t, String requestId) {
    if (t.host() == null || t.host().isBlank()) return Future.succeededFuture();
    ServerAction order = new ServerAction(ServerAction.VERSION, UUID.randomUUID().toString(), t.instanceId(), t.host(),
        "abort-build", t.projectId(), requestId);
    return tx.preparedQuery("INSERT INTO outbox(topic, key, payload, request_id) VALUES ($1, $2, $3, $4)")
        .execute(Tuple.of(Topics.ASSIGNMENTS, t.host(), order.toJson().encode(), requestId)).mapEmpty();
  }

}
