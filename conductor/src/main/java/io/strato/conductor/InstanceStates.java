package io.strato.conductor;

import io.strato.common.lifecycle.VmState;
import io.strato.common.messages.InstanceUpdate;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * Applies instance updates to the {@code nova} schema. Each update is a compare-and-set on the state the sender
 * expected ({@code vm_state} and {@code task_state}), in one transaction with its instance-action event, so a
 * redelivered, late or out-of-order update changes nothing, and a deleted instance is never brought back.
 * Updates are also fenced by the host and attempt they come from: the first update from a host records both on the
 * instance, and an update from another host, or from another attempt of that host, is refused (see
 * {@link InstanceUpdate}).
 * An update from a host still building an instance that is in ERROR or deleted is refused, and that host is told to
 * remove the build ({@link LateBuilds}). An update to {@code deleted} also gives the instance's quota back. A
 * transition that ends a build or a delete is announced on {@code strato.instance-events} in the same transaction
 * ({@link Lifecycle}).
 */
public final class InstanceStates {
  private final Pool pool;

  public InstanceStates(Pool pool) {
    this.pool = pool;
  }

  /** Answers whether the update applied (false: the instance was not in the expected state, or is gone). */
  public Future<Boolean> apply(InstanceUpdate u) {
    return applyAll(List.of(u)).map(applied -> applied.get(0));
  }

  /**
   * Applies updates of different instances in one transaction (one commit for all): their compare-and-sets as one
   * statement ({@link Transitions}), then each applied update's quota, action events and announcements, each refused
   * one's {@link LateBuilds} check, sent without waiting for each other (the connection pipelines them). Answers, in
   * order, whether each applied. All or nothing: if any statement fails, none applied.
   */
  public Future<List<Boolean>> applyAll(List<InstanceUpdate> batch) {
    return pool.withTransaction(tx -> {
      List<InstanceUpdate> updates = batch.stream().filter(u -> !u.isVolumeOutcome()).toList();
      return updates.size() == batch.size() ? transitions(tx, updates) : withVolumeOutcomes(tx, batch, updates);
    });
  }

  /** The transitions of a batch (no volume outcomes among them), as {@link #applyAll} describes. */
  private Future<List<Boolean>> transitions(SqlConnection tx, List<InstanceUpdate> updates) {
    if (updates.isEmpty()) return Future.succeededFuture(List.of());
    return Transitions.apply(tx, updates).compose(rows -> {
      // In instance-id order, the order the rows were locked in; quota rows in project order: two transactions over
      // the same rows take their locks in the same order and cannot deadlock.
      List<Integer> byInstance = IntStream.range(0, updates.size()).boxed()
          .sorted(Comparator.comparing(i -> UUID.fromString(updates.get(i).instanceId()))).toList();
      List<Future<?>> work = new ArrayList<>();
      Boolean[] applied = new Boolean[updates.size()];
      // A delete gives the instance's quota back; a resize that ended without its new flavor what was counted for it.
      byInstance.stream().filter(i -> rows[i] != null && (updates.get(i).vmState() == VmState.DELETED
              || updates.get(i).changes().containsKey("quota_release")))
          .sorted(Comparator.comparing(i -> rows[i].getString("project_id")))
          .forEach(i -> work.add(updates.get(i).vmState() == VmState.DELETED ? releaseQuota(tx, rows[i])
              : releaseResized(tx, rows[i], updates.get(i).changes().getJsonObject("quota_release"))));
      // The applied updates' action events: a few statements for the whole batch, not a few per update.
      work.add(ActionEvents.record(tx, byInstance.stream().filter(i -> rows[i] != null).map(updates::get).toList()));
      for (int i : byInstance) {
        InstanceUpdate u = updates.get(i);
        Row row = rows[i];
        Future<Boolean> one = row == null ? LateBuilds.abortIfEnded(tx, u).map(false)
            : Lifecycle.announce(tx, Lifecycle.Transition.from(row), u.requestId()).map(true);
        work.add(one.onSuccess(ok -> applied[i] = ok));
      }
      // join, not all, so that the transaction ends only after every statement did.
      return Future.join(work).map(v -> List.of(applied));
    });
  }

  /**
   * A batch with volume outcomes (no state transitions: {@link VolumeOutcomes}): its transitions, then its volume
   * outcomes in instance-id order, in the same transaction; answers in the batch's order.
   */
  private Future<List<Boolean>> withVolumeOutcomes(SqlConnection tx, List<InstanceUpdate> batch,
      List<InstanceUpdate> updates) {
    // NOTE: a batch holds one update per instance, and one conductor consumes an instance's partition, so the rows
    // these lock after the transitions' are not being locked the other way round by another batch.
    return transitions(tx, updates).compose(applied -> {
      Map<InstanceUpdate, Future<Boolean>> outcomes = new IdentityHashMap<>();
      batch.stream().filter(InstanceUpdate::isVolumeOutcome)
          .sorted(Comparator.comparing(u -> UUID.fromString(u.instanceId())))
          .forEach(u -> outcomes.put(u, VolumeOutcomes.apply(tx, u)));
      return Future.join(List.copyOf(outcomes.values())).map(v -> {
        Iterator<Boolean> transitioned = applied.iterator();
        return batch.stream().map(u -> u.isVolumeOutcome() ? outcomes.get(u).result() : transitioned.next()).toList();
      });
    });
  }

  // NOTE: the same counters the compute API reserves in; kept to this one statement here.
  private static Future<Void> releaseQuota(SqlConnection tx, Row row) {
    JsonObject flavor = row.getJsonObject("flavor");
    return tx.preparedQuery("UPDATE project_usage SET instances = greatest(instances - 1, 0),"
            + " cores = greatest(cores - $2, 0), ram = greatest(ram - $3, 0) WHERE project_id = $1")
        .execute(Tuple.of(row.getString("project_id"), flavor.getInteger("vcpus"), flavor.getInteger("ram")))
        .mapEmpty();
  }

  /**
   * A resize that ended without the new flavor (no host had room, or it failed) gives back the cores and RAM the compute
   * API counted for it when it was asked for.
   */
  private static Future<Void> releaseResized(SqlConnection tx, Row row, JsonObject release) {
    return tx.preparedQuery("UPDATE project_usage SET cores = greatest(cores - $2, 0), ram = greatest(ram - $3, 0)"
            + " WHERE project_id = $1")
        .execute(Tuple.of(row.getString("project_id"), release.getInteger("cores", 0), release.getInteger("ram", 0)))
        .mapEmpty();
  }

  /** Starts or finishes the named event of the action the update belongs to, and records its build steps. */
  static Future<Void> recordEvent(SqlConnection tx, InstanceUpdate u) {
    return ActionEvents.record(tx, List.of(u));
  }
}
