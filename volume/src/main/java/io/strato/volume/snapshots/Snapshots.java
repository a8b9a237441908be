package io.strato.volume.snapshots;

import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.strato.volume.ListQuery;
import io.strato.volume.Scope;
import io.strato.volume.Volume;
import io.strato.volume.quotas.Quotas;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Snapshot records in the {@code cinder} schema. A create locks its volume's row while it checks the volume's status
 * and counts the snapshot and its gigabytes against the project's quota, as a volume's delete locks it while it checks
 * there are no snapshots ({@code Volumes#beginDelete}): a snapshot and its volume's delete cannot both win. A delete
 * locks the snapshot's row likewise against a volume being made from it.
 */
public final class Snapshots {
  private final Pool pool;
  private final Quotas quotas;

  public Snapshots(Pool pool, Quotas quotas) {
    this.pool = pool;
    this.quotas = quotas;
  }

  /**
   * Inserts a snapshot of {@code volume} as {@code creating} in its project, if the volume is {@code available} (or
   * {@code in-use} when {@code inUseAllowed}) and the snapshot fits the quota; Cinder's 400 or 413 otherwise.
   */
  public Future<Snapshot> insert(String id, Volume volume, String userId, String name, String description,
      JsonObject metadata, boolean inUseAllowed, String format) {
    UUID volumeId = UUID.fromString(volume.id());
    return pool.withTransaction(tx -> tx.preparedQuery("SELECT status, size FROM volumes WHERE id = $1 FOR UPDATE")
            .execute(Tuple.of(volumeId)).compose(rows -> {
              if (rows.size() == 0) throw io.strato.volume.Volumes.notFound(volume.id());
              Row r = rows.iterator().next();
              String status = r.getString("status");
              if (!status.equals("available") && !(status.equals("in-use") && inUseAllowed)) {
                throw ApiException.badRequest("Invalid volume: Volume " + volume.id() + " status must be "
                    + (status.equals("in-use") ? "available" : "available or in-use") + ", but current status is: "
                    + status + ".");
              }
              int size = r.getInteger("size");
              return quotas.reserve(tx, volume.projectId(), 0, 1, size)
                  .compose(v -> tx.preparedQuery("INSERT INTO snapshots(id, volume_id, project_id, user_id, name,"
                          + " description, size, status, format, metadata) VALUES ($1,$2,$3,$4,$5,$6,$7,'creating',$8,$9)")
                      .execute(Tuple.tuple().addUUID(UUID.fromString(id)).addUUID(volumeId)
                          .addString(volume.projectId()).addString(userId).addString(name).addString(description)
                          .addInteger(size).addString(format).addValue(metadata)));
            }))
        .compose(r -> get(id));
  }

  /** The snapshot if the caller may see it (its project's, or any for an admin); 404 otherwise. */
  public Future<Snapshot> find(String id, Scope scope) {
    if (!Fields.isUuid(id)) return Future.failedFuture(notFound(id));
    return get(Fields.uuid(id, "snapshot_id")).map(s -> {
      if (!scope.mayTouch(s.projectId())) throw notFound(id);
      return s;
    });
  }

  public Future<Snapshot> get(String id) {
    return pool.preparedQuery(Snapshot.SELECT + " WHERE s.id = $1").execute(Tuple.of(UUID.fromString(id)))
        .map(rows -> {
          if (rows.size() == 0) throw notFound(id);
          return Snapshot.from(rows.iterator().next());
        });
  }

  public Future<List<Snapshot>> list(ListQuery query) {
    return pool.preparedQuery(query.sql()).execute(query.args()).map(rows -> {
      List<Snapshot> out = new ArrayList<>();
      for (Row r : rows) out.add(Snapshot.from(r));
      return out;
    });
  }

  /** Name, description and metadata; a null keeps the current value. */
  public Future<Snapshot> update(String id, String name, String description, JsonObject metadata) {
    return pool.preparedQuery("UPDATE snapshots SET name = CASE WHEN $2 THEN $3 ELSE name END,"
            + " description = CASE WHEN $4 THEN $5 ELSE description END, metadata = coalesce($6, metadata),"
            + " updated_at = now() WHERE id = $1")
        .execute(Tuple.tuple().addUUID(UUID.fromString(id)).addBoolean(name != null).addString(name)
            .addBoolean(description != null).addString(description).addValue(metadata))
        .compose(r -> get(id));
  }

  /** {@code creating -> available} once the file is written; false when it was no longer creating. */
  public Future<Boolean> created(String id) {
    return move(id, "creating", "available", null);
  }

  /** {@code creating -> error}, keeping why for the operator. */
  public Future<Boolean> failedCreate(String id, String why) {
    return move(id, "creating", "error", why);
  }

  /**
   * {@code available | error -> deleting} unless a volume is still being made from the snapshot; false otherwise. The
   * row is locked first, so a volume create that has just checked the snapshot commits (or not) before this looks.
   */
  public Future<Boolean> beginDelete(String id) {
    UUID uuid = UUID.fromString(id);
    return pool.withTransaction(tx -> tx.preparedQuery("SELECT 1 FROM snapshots WHERE id = $1 FOR UPDATE")
        .execute(Tuple.of(uuid))
        .compose(locked -> tx.preparedQuery("UPDATE snapshots SET status = 'deleting', updated_at = now()"
                + " WHERE id = $1 AND status IN ('available', 'error') AND NOT EXISTS (SELECT 1 FROM volumes"
                + " WHERE snapshot_id = $1 AND status = 'creating')").execute(Tuple.of(uuid)))
        .map(r -> r.rowCount() == 1));
  }

  /** {@code deleting -> error_deleting}: the file could not be removed. */
  public Future<Boolean> failedDelete(String id, String why) {
    return move(id, "deleting", "error_deleting", why);
  }

  /** Removes a {@code deleting} snapshot's row and gives its quota back; false when it was not deleting. */
  public Future<Boolean> purge(String id) {
    return pool.withTransaction(tx -> tx.preparedQuery("DELETE FROM snapshots WHERE id = $1 AND status = 'deleting'"
            + " RETURNING project_id, size").execute(Tuple.of(UUID.fromString(id)))
        .compose(rows -> {
          if (rows.size() == 0) return Future.succeededFuture(false);
          Row r = rows.iterator().next();
          return quotas.release(tx, r.getString("project_id"), 0, 1, r.getInteger("size")).map(true);
        }));
  }

  /** Snapshots left {@code creating} longer than {@code stuckAfter} (their process died) become {@code error}. */
  public Future<Integer> failStuckCreates(Duration stuckAfter) {
    return pool.preparedQuery("UPDATE snapshots SET status = 'error', failure = 'stuck in creating',"
            + " updated_at = now() WHERE status = 'creating'"
            + " AND coalesce(updated_at, created_at) < now() - make_interval(secs => $1)")
        .execute(Tuple.of((double) stuckAfter.toSeconds())).map(r -> r.rowCount());
  }

  /** Snapshots left {@code deleting} longer than {@code stuckAfter}: their deletion is to be finished. */
  public Future<List<String>> stuckDeletes(Duration stuckAfter) {
    return pool.preparedQuery("SELECT id FROM snapshots WHERE status = 'deleting'"
            + " AND coalesce(updated_at, created_at) < now() - make_interval(secs => $1)")
        .execute(Tuple.of((double) stuckAfter.toSeconds())).map(rows -> {
          List<String> ids = new ArrayList<>();
          for (Row r : rows) ids.add(r.getUUID("id").toString());
          return ids;
        });
  }

  private Future<Boolean> move(String id, String from, String to, String why) {
    return pool.preparedQuery("UPDATE snapshots SET status = $3, failure = coalesce($4, failure), updated_at = now()"
            + " WHERE id = $1 AND status = $2")
        .execute(Tuple.of(UUID.fromString(id), from, to, why)).map(r -> r.rowCount() == 1);
  }

  public static ApiException notFound(String id) {
    return ApiException.notFound("Snapshot " + id + " could not be found.");
  }
}
