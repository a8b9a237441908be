package io.strato.volume.attachments;

import io.strato.volume.Volume;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;

/**
 * One attachment of a volume to an instance (Cinder 3.27+). {@code status} is the attachment's own:
 * {@code reserved} (no connector yet), {@code attaching} (connector given, connection info handed out),
 * {@code attached} (completed), {@code detaching}. {@code volumeFormat} is the volume file's format.
 */
public record Attachment(String id, String volumeId, String projectId, String instanceUuid, JsonObject connector,
    String status, String attachMode, OffsetDateTime attachedAt, String volumeFormat) {

  public static final String SELECT = "SELECT a.id, a.volume_id, a.project_id, a.instance_uuid, a.connector, a.status,"
      + " a.attach_mode, a.attached_at, a.created_at, v.format FROM attachments a JOIN volumes v ON v.id = a.volume_id";

  public static Attachment from(Row r) {
    return new Attachment(r.getUUID("id").toString(), r.getUUID("volume_id").toString(), r.getString("project_id"),
        r.getUUID("instance_uuid") == null ? null : r.getUUID("instance_uuid").toString(),
        r.getJsonObject("connector"), r.getString("status"), r.getString("attach_mode"),
        r.getOffsetDateTime("attached_at"), r.getString("format"));
  }

  public JsonObject summary() {
    return new JsonObject().put("id", id).put("status", status).put("instance", instanceUuid).put("volume_id", volumeId);
  }

  /** The detail view; {@code connectionInfo} is null until a connector was given. */
  public JsonObject detail(JsonObject connectionInfo) {
    return summary().put("attached_at", Volume.time(attachedAt)).put("detached_at", null)
        .put("attach_mode", attachMode).put("connection_info", connectionInfo);
  }
}
