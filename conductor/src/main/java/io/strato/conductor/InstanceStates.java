package io.strato.conductor;

import io.strato.common.lifecycle.TaskState;
import io.strato.common.lifecycle.VmState;
import io.strato.common.messages.InstanceUpdate;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

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
    return pool.withTransaction(tx -> applyIn(tx, u));
  }

  /**
   * Applies updates of different instances in one transaction (one commit for all), each as {@link #apply} would;
   * answers, in order, whether each applied. All or nothing: if any statement fails, none applied.
   */
  public Future<List<Boolean>> applyAll(List<InstanceUpdate> updates) {
    return pool.withTransaction(tx -> {
      // Sent without waiting for each other (the connection pipelines them); join, not all, so that the transaction
      // ends only after every update's statements did.
      List<Future<Boolean>> applied = updates.stream().map(u -> applyIn(tx, u)).toList();
      return Future.join(applied).map(v -> applied.stream().map(Future::result).toList());
    });
  }

  private Future<Boolean> applyIn(SqlConnection tx, InstanceUpdate u) {
    return transition(tx, u).compose(row -> {
      if (row == null) return LateBuilds.abortIfEnded(tx, u).map(false);
      Future<Void> quota = u.vmState() == VmState.DELETED ? releaseQuota(tx, row)
          : u.changes().containsKey("quota_release") ? releaseResized(tx, row, u.changes().getJsonObject("quota_release"))
          : Future.succeededFuture();
      return quota.compose(v -> recordEvent(tx, u))
          .compose(v -> Lifecycle.announce(tx, Lifecycle.Transition.from(row), u.requestId())).map(v -> true);
    });
  }

  private Future<Row> transition(SqlConnection tx, InstanceUpdate u) {
    JsonObject c = u.changes();
    boolean deleting = u.vmState() == VmState.DELETED;
    // The locked read gives the vm_state before the change (RETURNING sees only the new row).
    String sql = "WITH old AS (SELECT id AS old_id, vm_state AS old_vm_state FROM instances WHERE id = $1 FOR UPDATE)"
        + " UPDATE instances SET vm_state = $2, task_state = $3, host = coalesce($12, $4, host),"
        + " attempt = CASE WHEN host IS NULL AND $4::text IS NOT NULL THEN $11 ELSE attempt END,"
        + " node = coalesce($12, $4, node), flavor = coalesce($13, flavor),"
        + " fault = coalesce($5, fault), power_state = coalesce($6, power_state),"
        + " addresses = coalesce($7, addresses), volumes_attached = coalesce($8, volumes_attached),"
        + " launched_at = CASE WHEN $2 = 'active' AND launched_at IS NULL THEN now() ELSE launched_at END,"
        + (deleting ? " deleted = true, deleted_at = now(), terminated_at = now()," : "")
        + " progress = CASE WHEN $2 = 'active' THEN 100 ELSE progress END, updated_at = now()"
        + " FROM old WHERE id = old_id AND id = $1 AND NOT deleted AND ($9::text IS NULL OR vm_state = $9)"
        + " AND task_state IS NOT DISTINCT FROM $10"
        // The fence: an update from a host applies only to an instance no host has taken yet, or taken by that host
        // in that attempt (an update that names no attempt is fenced by host only).
        + " AND ($4::text IS NULL OR host IS NULL OR (host = $4 AND ($11::int IS NULL OR attempt IS NULL"
        + " OR attempt = $11)))"
        + " RETURNING old_vm_state, " + Lifecycle.RETURNING;
    JsonObject fault = u.fault() == null ? null : u.fault().copy().put("created", created(u.timestampMillis()));
    return tx.preparedQuery(sql).execute(Tuple.tuple().addUUID(UUID.fromString(u.instanceId()))
            .addString(u.vmState().wire()).addString(TaskState.wireOf(u.taskState())).addString(u.host())
            .addValue(fault).addInteger(c.getInteger("power_state"))
            .addValue(c.getJsonObject("addresses")).addValue(c.getJsonArray("volumes_attached"))
            .addString(VmState.wireOf(u.expectedVmState())).addString(TaskState.wireOf(u.expectedTaskState()))
            .addInteger(u.attempt() > 0 ? u.attempt() : null)
            // A resize or migration moves the instance to another host and flavor (ResizeOrder).
            .addString(c.getString("host")).addValue(c.getJsonObject("flavor")))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
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

  /**
   * Starts or finishes the named event of the action the update belongs to (by request id), and records the build
   * steps the update reports, each with its own start and finish.
   */
  private static Future<Void> recordEvent(SqlConnection tx, InstanceUpdate u) {
    if (u.requestId() == null || (u.event() == null && u.steps().isEmpty())) return Future.succeededFuture();
    boolean failed = "Error".equals(u.eventResult())
        || u.steps().stream().anyMatch(s -> "Error".equals(s.result()));
    return namedEvent(tx, u).compose(v -> steps(tx, u)).compose(r -> tx.preparedQuery("UPDATE instance_actions SET"
            + " updated_at = now(), message = coalesce($3, message) WHERE instance_id = $1 AND request_id = $2")
        .execute(Tuple.of(UUID.fromString(u.instanceId()), u.requestId(), failed ? "Error" : null))).mapEmpty();
  }

  private static Future<Void> namedEvent(SqlConnection tx, InstanceUpdate u) {
    if (u.event() == null) return Future.succeededFuture();
    String sql = u.eventResult() == null
        ? "INSERT INTO instance_action_events(action_id, event, start_time, host) SELECT id, $3, $4, $5"
            + " FROM instance_actions WHERE instance_id = $1 AND request_id = $2 ON CONFLICT (action_id, event) DO NOTHING"
        : "INSERT INTO instance_action_events(action_id, event, start_time, finish_time, result, host, details)"
            + " SELECT id, $3, $4, $4, $6, $5, $7 FROM instance_actions WHERE instance_id = $1 AND request_id = $2"
            + " ON CONFLICT (action_id, event) DO UPDATE SET finish_time = excluded.finish_time,"
            + " result = excluded.result, details = excluded.details";
    Tuple args = Tuple.tuple().addUUID(UUID.fromString(u.instanceId())).addString(u.requestId()).addString(u.event())
        .addOffsetDateTime(at(u.timestampMillis())).addString(u.host());
    if (u.eventResult() != null) {
      args.addString(u.eventResult()).addString(u.fault() == null ? null : u.fault().getString("message"));
    }
    return tx.preparedQuery(sql).execute(args).mapEmpty();
  }

  /** The build steps an update reports; a failed step's details are the update's fault message. */
  private static Future<Void> steps(SqlConnection tx, InstanceUpdate u) {
    if (u.steps().isEmpty()) return Future.succeededFuture();
    String message = u.fault() == null ? null : u.fault().getString("message");
    return tx.preparedQuery("INSERT INTO instance_action_events(action_id, event, start_time, finish_time, result,"
            + " host, details) SELECT id, $3, $4, $5, $6, $7, $8 FROM instance_actions WHERE instance_id = $1"
            + " AND request_id = $2 ON CONFLICT (action_id, event) DO UPDATE SET start_time = excluded.start_time,"
            + " finish_time = excluded.finish_time, result = excluded.result, details = excluded.details")
        .executeBatch(u.steps().stream().map(s -> Tuple.tuple().addUUID(UUID.fromString(u.instanceId()))
            .addString(u.requestId()).addString(s.event()).addOffsetDateTime(at(s.startMillis()))
            .addOffsetDateTime(at(s.finishMillis())).addString(s.result()).addString(u.host())
            .addString("Error".equals(s.result()) ? message : null)).toList())
        .mapEmpty();
  }

  private static OffsetDateTime at(long millis) {
    return OffsetDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
  }

  private static String created(long millis) {
    return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
        .format(OffsetDateTime.ofInstant(Instant.ofEpochMilli(millis == 0 ? System.currentTimeMillis() : millis),
            ZoneOffset.UTC));
  }
}
