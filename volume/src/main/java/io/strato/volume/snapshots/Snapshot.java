package io.strato.volume.snapshots;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;

/** One snapshot record, read by {@link #SELECT}. {@code format} is how the file backend keeps its file. */
public record Snapshot(String id, String volumeId, String projectId, String userId, String name, String description,
    int size, SnapshotStatus status, String format, JsonObject metadata, OffsetDateTime createdAt,
    OffsetDateTime updatedAt) {

  public static final String SELECT = "SELECT s.id, s.volume_id, s.project_id, s.user_id, s.name, s.description,"
      + " s.size, s.status, s.format, s.metadata, s.created_at, s.updated_at FROM snapshots s";

  public static Snapshot from(Row r) {
    return new Snapshot(r.getUUID("id").toString(), r.getUUID("volume_id").toString(), r.getString("project_id"),
        r.getString("user_id"), r.getString("name"), r.getString("description"), r.getInteger("size"),
        SnapshotStatus.fromWire(r.getString("status")), r.getString("format"), r.getJsonObject("metadata"),
        r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at"));
  }
}
