package io.strato.volume;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One volume record with its (at most one) attachment, read by {@link #SELECT}. {@code format} is how the file
 * backend stores it ({@code raw} or {@code qcow2}); {@code imageMetadata} is what a from-image volume copied from its
 * image (Cinder's {@code volume_image_metadata}); {@code snapshotId} the snapshot a volume was made from.
 */
public record Volume(String id, String projectId, String userId, String name, String description, int size,
    VolumeStatus status, String availabilityZone, String volumeType, String format, boolean bootable, String imageId,
    JsonObject imageMetadata, JsonObject metadata, OffsetDateTime createdAt, OffsetDateTime updatedAt,
    Attached attached, String snapshotId) {

  /** The attachment as the volume view shows it; {@code status} is the attachment's own. */
  public record Attached(String attachmentId, String instanceUuid, String status, String hostName, String device,
      OffsetDateTime attachedAt) {}

  public static final String SELECT = "SELECT v.id, v.project_id, v.user_id, v.name, v.description, v.size, v.status,"
      + " v.availability_zone, v.volume_type, v.format, v.bootable, v.image_id, v.image_metadata, v.metadata,"
      + " v.created_at, v.updated_at, v.snapshot_id, a.id AS attachment_id, a.instance_uuid, a.status AS attach_status,"
      + " a.connector ->> 'host' AS attached_host, a.connector ->> 'mountpoint' AS mountpoint, a.attached_at"
      + " FROM volumes v LEFT JOIN attachments a ON a.volume_id = v.id";
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS");

  public static Volume from(Row r) {
    Attached attached = r.getUUID("attachment_id") == null ? null : new Attached(r.getUUID("attachment_id").toString(),
        r.getUUID("instance_uuid") == null ? null : r.getUUID("instance_uuid").toString(), r.getString("attach_status"),
        r.getString("attached_host"), r.getString("mountpoint"), r.getOffsetDateTime("attached_at"));
    return new Volume(r.getUUID("id").toString(), r.getString("project_id"), r.getString("user_id"),
        r.getString("name"), r.getString("description"), r.getInteger("size"),
        VolumeStatus.fromWire(r.getString("status")), r.getString("availability_zone"), r.getString("volume_type"),
        r.getString("format"), r.getBoolean("bootable"), r.getString("image_id"), r.getJsonObject("image_metadata"),
        r.getJsonObject("metadata"), r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at"), attached,
        r.getUUID("snapshot_id") == null ? null : r.getUUID("snapshot_id").toString());
  }

  /** Cinder's time format: UTC, no zone suffix, microseconds. */
  public static String time(OffsetDateTime t) {
    return t == null ? null : TIME.format(t.withOffsetSameInstant(ZoneOffset.UTC));
  }
}
