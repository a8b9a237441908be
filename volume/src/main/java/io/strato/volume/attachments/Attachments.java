package io.strato.volume.attachments;

import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.strato.volume.Scope;
import io.strato.volume.VolumeStatus;
import io.strato.volume.Volumes;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Attachment records. Each step moves the volume with a compare-and-set ({@link Volumes#transition}) in the same
 * transaction as the attachment change, so a volume is never reserved twice and its status always matches its
 * attachment: {@code available -> reserved | attaching -> in-use -> detaching -> available}.
 */
public final class Attachments {
  private final Pool pool;

  public Attachments(Pool pool) {
    this.pool = pool;
  }

  /**
   * Reserves an available volume for an instance: {@code reserved}, or {@code attaching} when a connector is given.
   * 400 (Cinder's InvalidVolume) when the volume is not available.
   */
  public Future<Attachment> create(String volumeId, String projectId, String instanceUuid, JsonObject connector,
      String mode) {
    String id = UUID.randomUUID().toString();
    VolumeStatus to = connector == null ? VolumeStatus.RESERVED : VolumeStatus.ATTACHING;
    return pool.withTransaction(tx -> Volumes.transition(tx, volumeId, to)
            .compose(moved -> moved ? insert(tx, id, volumeId, projectId, instanceUuid, connector, mode, to)
                : statusOf(tx, volumeId).compose(status -> Future.failedFuture(ApiException.badRequest(
                    "Invalid volume: Volume " + volumeId + " status must be available or downloading to reserve,"
                        + " but the current status is " + status + ".")))))
        .compose(v -> get(id));
  }

  private static Future<Void> insert(SqlConnection tx, String id, String volumeId, String projectId,
      String instanceUuid, JsonObject connector, String mode, VolumeStatus status) {
    return tx.preparedQuery("INSERT INTO attachments(id, volume_id, project_id, instance_uuid, connector, status,"
            + " attach_mode) VALUES ($1,$2,$3,$4,$5,$6,$7)")
        .execute(Tuple.tuple().addUUID(UUID.fromString(id)).addUUID(UUID.fromString(volumeId)).addString(projectId)
            .addUUID(instanceUuid == null ? null : UUID.fromString(instanceUuid)).addValue(connector)
            .addString(status.wire()).addString(mode))
        .mapEmpty();
  }

  /** Gives a reserved (or attaching) attachment its connector: the volume and the attachment become attaching. */
  public Future<Attachment> connect(Attachment a, JsonObject connector) {
    if (!a.status().equals("reserved") && !a.status().equals("attaching")) {
      return Future.failedFuture(invalid(a, "reserved or attaching to be updated"));
    }
    return pool.withTransaction(tx -> moveVolume(tx, a, a.status().equals("reserved") ? VolumeStatus.ATTACHING : null)
            .compose(v -> tx.preparedQuery("UPDATE attachments SET connector = $2, status = 'attaching' WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(a.id()), connector))))
        .compose(r -> get(a.id()));
  }

  /** {@code os-complete}: attaching -> attached, the volume in-use. Completing twice is harmless. */
  public Future<Void> complete(Attachment a) {
    if (a.status().equals("attached")) return Future.succeededFuture();
    if (!a.status().equals("attaching")) return Future.failedFuture(invalid(a, "attaching (given a connector) to be"
        + " completed"));
    return pool.withTransaction(tx -> moveVolume(tx, a, VolumeStatus.IN_USE)
        .compose(v -> tx.preparedQuery("UPDATE attachments SET status = 'attached', attached_at = now() WHERE id = $1")
            .execute(Tuple.of(UUID.fromString(a.id())))).mapEmpty());
  }

  /**
   * Detaches: the volume goes {@code detaching} (visible to others), then the attachment is removed and the volume
   * is {@code available} again.
   */
  public Future<Void> delete(Attachment a) {
    VolumeStatus first = a.status().equals("detaching") ? null : VolumeStatus.DETACHING; // a retried delete
    return pool.withTransaction(tx -> moveVolume(tx, a, first)
            .compose(v -> tx.preparedQuery("UPDATE attachments SET status = 'detaching' WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(a.id())))))
        .compose(r -> pool.withTransaction(tx -> tx.preparedQuery("DELETE FROM attachments WHERE id = $1")
            .execute(Tuple.of(UUID.fromString(a.id())))
            .compose(d -> moveVolume(tx, a, VolumeStatus.AVAILABLE))));
  }

  private static Future<Void> moveVolume(SqlConnection tx, Attachment a, VolumeStatus to) {
    if (to == null) return Future.succeededFuture();
    return Volumes.transition(tx, a.volumeId(), to).compose(moved -> moved ? Future.succeededFuture()
        : statusOf(tx, a.volumeId()).compose(status -> Future.failedFuture(ApiException.badRequest(
            "Invalid volume: Volume " + a.volumeId() + " cannot become " + to.wire() + " from " + status + "."))));
  }

  private static Future<String> statusOf(SqlConnection tx, String volumeId) {
    return tx.preparedQuery("SELECT status FROM volumes WHERE id = $1").execute(Tuple.of(UUID.fromString(volumeId)))
        .map(rows -> {
          if (rows.size() == 0) throw Volumes.notFound(volumeId);
          return rows.iterator().next().getString("status");
        });
  }

  /** The attachment if the caller may see it (its project's, or any for an admin); 404 otherwise. */
  public Future<Attachment> find(String id, Scope scope) {
    if (!Fields.isUuid(id)) return Future.failedFuture(notFound(id));
    return get(Fields.uuid(id, "attachment_id")).map(a -> {
      if (!scope.mayTouch(a.projectId())) throw notFound(id);
      return a;
    });
  }

  private Future<Attachment> get(String id) {
    return pool.preparedQuery(Attachment.SELECT + " WHERE a.id = $1").execute(Tuple.of(UUID.fromString(id)))
        .map(rows -> {
          if (rows.size() == 0) throw notFound(id);
          return Attachment.from(rows.iterator().next());
        });
  }

  /** The acting project's attachments (every project's for an admin with {@code all_tenants}), newest first. */
  public Future<List<Attachment>> list(String projectId, String volumeId, String instanceId, int limit) {
    StringBuilder sql = new StringBuilder(Attachment.SELECT).append(" WHERE true");
    Tuple args = Tuple.tuple();
    if (projectId != null) sql.append(" AND a.project_id = $").append(args.addString(projectId).size());
    if (volumeId != null) sql.append(" AND a.volume_id = $").append(args.addUUID(UUID.fromString(volumeId)).size());
    if (instanceId != null) {
      sql.append(" AND a.instance_uuid = $").append(args.addUUID(UUID.fromString(instanceId)).size());
    }
    sql.append(" ORDER BY a.created_at DESC, a.id DESC LIMIT ").append(limit);
    return pool.preparedQuery(sql.toString()).execute(args).map(rows -> {
      List<Attachment> out = new ArrayList<>();
      for (Row r : rows) out.add(Attachment.from(r));
      return out;
    });
  }

  private static ApiException invalid(Attachment a, String expected) {
    return ApiException.badRequest("Invalid attachment: attachment " + a.id() + " is " + a.status() + "; it must be "
        + expected + ".");
  }

  static ApiException notFound(String id) {
    return ApiException.notFound("Volume attachment could not be found with filter: attachment_id = " + id + ".");
  }
}
