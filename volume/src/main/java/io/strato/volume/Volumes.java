package io.strato.volume;

import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.strato.volume.quotas.Quotas;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Volume records in the {@code cinder} schema. Every status change is a compare-and-set on the statuses
 * {@link VolumeStatus} allows to precede it, so racing requests on one volume cannot both win; creates, deletes and
 * extends change the project's quota usage in the same transaction.
 */
public final class Volumes {
  private final Pool pool;
  private final Quotas quotas;

  public Volumes(Pool pool, Quotas quotas) {
    this.pool = pool;
    this.quotas = quotas;
  }

  /**
   * Counts the volume against its project's quota (413 when it does not fit) and inserts it as {@code creating}. A
   * volume from a snapshot holds the snapshot's row meanwhile, which must still be {@code available} (400 otherwise),
   * so the snapshot's delete waits for this and then sees the volume being made from it.
   */
  public Future<Volume> insert(String id, VolumeRequest req, String projectId, String userId, String az,
      String format) {
    UUID snapshot = req.snapshotId() == null ? null : UUID.fromString(req.snapshotId());
    return pool.withTransaction(tx -> snapshotAvailable(tx, snapshot)
            .compose(ok -> quotas.reserve(tx, projectId, 1, req.size()))
            .compose(v -> tx.preparedQuery("INSERT INTO volumes(id, project_id, user_id, name, description, size,"
                    + " status, availability_zone, volume_type, format, image_id, metadata, snapshot_id)"
                    + " VALUES ($1,$2,$3,$4,$5,$6,'creating',$7,$8,$9,$10,$11,$12)")
                .execute(Tuple.tuple().addUUID(UUID.fromString(id)).addString(projectId).addString(userId)
                    .addString(req.name()).addString(req.description()).addInteger(req.size()).addString(az)
                    .addString(req.volumeType()).addString(format).addString(req.imageRef())
                    .addValue(req.metadata()).addUUID(snapshot))))
        .compose(r -> get(id));
  }

  private static Future<Void> snapshotAvailable(SqlClient tx, UUID snapshot) {
    if (snapshot == null) return Future.succeededFuture();
    return tx.preparedQuery("SELECT 1 FROM snapshots WHERE id = $1 AND status = 'available' FOR SHARE")
        .execute(Tuple.of(snapshot)).map(rows -> {
          if (rows.size() == 0) throw invalidSnapshot();
          return null;
        });
  }

  /** Cinder's answer to a volume from a snapshot that is not {@code available}. */
  public static ApiException invalidSnapshot() {
    return ApiException.badRequest("Invalid snapshot: Originating snapshot status must be one of 'available'"
        + " values");
  }

  /**
   * {@code -> deleting} if the volume may be deleted and has no snapshots; false otherwise. The row is locked first,
   * so a snapshot being taken of it commits (or not) before the check for snapshots looks.
   */
  public Future<Boolean> beginDelete(String id) {
    UUID uuid = UUID.fromString(id);
    return pool.withTransaction(tx -> tx.preparedQuery("SELECT 1 FROM volumes WHERE id = $1 FOR UPDATE")
        .execute(Tuple.of(uuid))
        .compose(locked -> tx.preparedQuery("UPDATE volumes SET status = 'deleting', updated_at = now()"
                + " WHERE id = $1 AND status = ANY($2) AND NOT EXISTS (SELECT 1 FROM snapshots WHERE volume_id = $1)")
            .execute(Tuple.tuple().addUUID(uuid).addArrayOfString(VolumeStatus.wireSourcesOf(VolumeStatus.DELETING))))
        .map(r -> r.rowCount() == 1));
  }

  /** The volume if the caller may see it (its project's, or any for an admin); 404 otherwise. */
  public Future<Volume> find(String id, Scope scope) {
    if (!Fields.isUuid(id)) return Future.failedFuture(notFound(id));
    return get(Fields.uuid(id, "volume_id")).map(v -> {
      if (!scope.mayTouch(v.projectId())) throw notFound(id);
      return v;
    });
  }

  public Future<Volume> get(String id) {
    return pool.preparedQuery(Volume.SELECT + " WHERE v.id = $1").execute(Tuple.of(UUID.fromString(id)))
        .map(rows -> {
          if (rows.size() == 0) throw notFound(id);
          return Volume.from(rows.iterator().next());
        });
  }

  public Future<List<Volume>> list(ListQuery query) {
    return pool.preparedQuery(query.sql()).execute(query.args()).map(rows -> {
      List<Volume> out = new ArrayList<>();
      for (Row r : rows) out.add(Volume.from(r));
      return out;
    });
  }

  /** Name, description and metadata; a null keeps the current value. */
  public Future<Volume> update(String id, String name, String description, JsonObject metadata) {
    return pool.preparedQuery("UPDATE volumes SET name = CASE WHEN $2 THEN $3 ELSE name END,"
            + " description = CASE WHEN $4 THEN $5 ELSE description END, metadata = coalesce($6, metadata),"
            + " updated_at = now() WHERE id = $1")
        .execute(Tuple.tuple().addUUID(UUID.fromString(id)).addBoolean(name != null).addString(name)
            .addBoolean(description != null).addString(description).addValue(metadata))
        .compose(r -> get(id));
  }

  /** {@code -> to} if the volume is in a status that may precede {@code to}; false when it is not (or is gone). */
  public Future<Boolean> transition(String id, VolumeStatus to) {
    return transition(pool, id, to);
  }

  public static Future<Boolean> transition(SqlClient client, String id, VolumeStatus to) {
    return client.preparedQuery("UPDATE volumes SET status = $2, updated_at = now() WHERE id = $1 AND status = ANY($3)")
        .execute(Tuple.of(UUID.fromString(id), to.wire(), VolumeStatus.wireSourcesOf(to)))
        .map(r -> r.rowCount() == 1);
  }

  /** {@code creating -> available}; a from-image volume also becomes bootable and keeps its image's metadata. */
  public Future<Boolean> created(String id, JsonObject imageMetadata) {
    return pool.preparedQuery("UPDATE volumes SET status = 'available', bootable = $2, image_metadata = $3,"
            + " updated_at = now() WHERE id = $1 AND status = 'creating'")
        .execute(Tuple.of(UUID.fromString(id), imageMetadata != null, imageMetadata)).map(r -> r.rowCount() == 1);
  }

  /** {@code creating -> error}, keeping why for the operator. */
  public Future<Boolean> failedCreate(String id, String why) {
    return pool.preparedQuery("UPDATE volumes SET status = 'error', failure = $2, updated_at = now()"
            + " WHERE id = $1 AND status = 'creating'")
        .execute(Tuple.of(UUID.fromString(id), why)).map(r -> r.rowCount() == 1);
  }

  /**
   * {@code available -> extending} and the extra gigabytes counted, in one transaction; false when the volume is not
   * available any more.
   */
  public Future<Boolean> beginExtend(Volume v, int newSize) {
    return pool.withTransaction(tx -> transition(tx, v.id(), VolumeStatus.EXTENDING).compose(moved -> !moved
        ? Future.succeededFuture(false)
        : quotas.reserve(tx, v.projectId(), 0, newSize - v.size()).map(true)));
  }

  /** {@code extending -> available} at the new size, or {@code extending -> error_extending} giving the gigabytes back. */
  public Future<Void> endExtend(Volume v, int newSize, boolean grown) {
    if (grown) {
      return pool.preparedQuery("UPDATE volumes SET status = 'available', size = $2, updated_at = now()"
          + " WHERE id = $1 AND status = 'extending'").execute(Tuple.of(UUID.fromString(v.id()), newSize)).mapEmpty();
    }
    return pool.withTransaction(tx -> transition(tx, v.id(), VolumeStatus.ERROR_EXTENDING)
        .compose(moved -> quotas.release(tx, v.projectId(), 0, newSize - v.size())));
  }

  /** Sets a status without the state machine: the admin's {@code os-reset_status}. */
  public Future<Void> forceStatus(String id, VolumeStatus status) {
    return pool.preparedQuery("UPDATE volumes SET status = $2, updated_at = now() WHERE id = $1")
        .execute(Tuple.of(UUID.fromString(id), status.wire())).mapEmpty();
  }

  /** {@code bootable} flag ({@code os-set_bootable}). */
  public Future<Void> setBootable(String id, boolean bootable) {
    return pool.preparedQuery("UPDATE volumes SET bootable = $2, updated_at = now() WHERE id = $1")
        .execute(Tuple.of(UUID.fromString(id), bootable)).mapEmpty();
  }

  /** Removes a {@code deleting} volume's row and gives its quota back; false when it was not deleting. */
  public Future<Boolean> purge(String id) {
    return pool.withTransaction(tx -> tx.preparedQuery("DELETE FROM volumes WHERE id = $1 AND status = 'deleting'"
            + " RETURNING project_id, size").execute(Tuple.of(UUID.fromString(id)))
        .compose(rows -> {
          if (rows.size() == 0) return Future.succeededFuture(false);
          Row r = rows.iterator().next();
          return quotas.release(tx, r.getString("project_id"), 1, r.getInteger("size")).map(true);
        }));
  }

  /**
   * Volumes left {@code creating} for longer than {@code stuckAfter} (their process died mid-way) become
   * {@code error}; answers how many.
   */
  public Future<Integer> failStuckCreates(Duration stuckAfter) {
    return pool.preparedQuery("UPDATE volumes SET status = 'error', failure = 'stuck in creating', updated_at = now()"
            + " WHERE status = 'creating' AND coalesce(updated_at, created_at) < now() - make_interval(secs => $1)")
        .execute(Tuple.of((double) stuckAfter.toSeconds())).map(r -> r.rowCount());
  }

  /** Volumes left {@code deleting} for longer than {@code stuckAfter}: their deletion is to be finished. */
  public Future<List<String>> stuckDeletes(Duration stuckAfter) {
    return pool.preparedQuery("SELECT id FROM volumes WHERE status = 'deleting'"
            + " AND coalesce(updated_at, created_at) < now() - make_interval(secs => $1)")
        .execute(Tuple.of((double) stuckAfter.toSeconds())).map(rows -> {
          List<String> ids = new ArrayList<>();
          for (Row r : rows) ids.add(r.getUUID("id").toString());
          return ids;
        });
  }

  public static ApiException notFound(String id) {
    return ApiException.notFound("Volume " + id + " could not be found.");
  }
}
