package io.strato.conductor;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
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
 * may run it at once. It ends the build as {@link Lifecycle#endedInError} does: the scheduler's claim is given back
 * and, when the build had reached a host, that host's agent is told to remove what the build made once it is no
 * longer running there: a build that was only slow must not leave a domain running for an instance in ERROR.
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

  /** Ends every build quiet for longer than the timeout (up to 500 a run); answers how many it ended. */
  Future<Integer> reconcile() {
    double seconds = timeout.toSeconds();
    return pool.preparedQuery("SELECT id, task_state FROM instances WHERE NOT deleted AND vm_state = 'building'"
            + " AND updated_at < now() - make_interval(secs => $1) ORDER BY updated_at LIMIT 500")
        .execute(Tuple.of(seconds))
        .compose(rows -> {
          Future<Integer> ended = Future.succeededFuture(0);
          for (Row r : rows) {
            String id = r.getUUID("id").toString();
            JsonObject fault = new JsonObject().put("code", 500).put("message", "Build of instance " + id + " timed out after " + timeout.toSeconds()
                    + " s in task state " + (r.getString("task_state") == null ? "none" : r.getString("task_state")))
                .put("details", "");
            ended = ended.compose(n -> pool.withTransaction(tx -> Lifecycle.endedInError(tx, id, fault, null, seconds,
                    "build-timeout"))
                .map(done -> {
                  if (done) LOG.warn("instance {} timed out while building; it is now in ERROR", id);
                  return done ? n + 1 : n;
                }));
          }
          return ended;
        })
        .onFailure(e -> LOG.warn("reconciling stuck builds failed: {}", e.toString()));
  }
}
