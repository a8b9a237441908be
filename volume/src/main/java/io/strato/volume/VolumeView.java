package io.strato.volume;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Cinder's volume views: the summary ({@code id, name, links}) of {@code GET /volumes} and the detail of every other
 * reply, with the fields of the caller's microversion and the admin-only tenant, host and migration attributes.
 */
public final class VolumeView {
  /** The one backend pool: Cinder's {@code host@backend#pool}. */
  static final String HOST = "strato@file#file";
  private final String baseUrl;

  public VolumeView(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  public JsonObject summary(Volume v) {
    return new JsonObject().put("id", v.id()).put("name", v.name()).put("links", links(v));
  }

  public JsonObject detail(Volume v, io.strato.common.http.ApiVersion mv, boolean admin) {
    JsonObject j = new JsonObject()
        .put("id", v.id()).put("name", v.name()).put("status", v.status().wire()).put("size", v.size())
        .put("availability_zone", v.availabilityZone())
        .put("created_at", Volume.time(v.createdAt())).put("updated_at", Volume.time(v.updatedAt()))
        .put("attachments", attachments(v)).put("bootable", String.valueOf(v.bootable())).put("encrypted", false)
        .put("volume_type", v.volumeType()).put("metadata", v.metadata()).put("user_id", v.userId())
        .put("multiattach", false)
        .put("description", v.description()).put("links", links(v)).put("snapshot_id", v.snapshotId())
        .put("source_volid", null).put("replication_status", null).put("consistencygroup_id", null)
        .put("migration_status", null);
    if (v.imageMetadata() != null) j.put("volume_image_metadata", v.imageMetadata());
    if (admin) {
      // Cinder's volume_extension:volume_tenant_attribute is admin-only: members do not see the owner's id.
      j.put("os-vol-tenant-attr:tenant_id", v.projectId());
      j.put("os-vol-host-attr:host", HOST).put("os-vol-mig-status-attr:migstat", null)
          .put("os-vol-mig-status-attr:name_id", null);
    }
    if (mv.atLeast(13)) j.put("group_id", null);
    if (mv.atLeast(21) && admin) j.put("provider_id", null);
    if (mv.atLeast(48)) j.put("shared_targets", false).put("service_uuid", null);
    if (mv.atLeast(61) && admin) j.put("cluster_name", null);
    if (mv.atLeast(63)) j.put("volume_type_id", VolumeTypes.DEFAULT_ID);
    if (mv.atLeast(65)) j.put("consumes_quota", true);
    return j;
  }

  /** Only a completed attachment shows on the volume, as in Cinder. */
  private static JsonArray attachments(Volume v) {
    JsonArray a = new JsonArray();
    Volume.Attached at = v.attached();
    if (at != null && "attached".equals(at.status())) {
      a.add(new JsonObject().put("id", v.id()).put("attachment_id", at.attachmentId()).put("volume_id", v.id())
          .put("server_id", at.instanceUuid()).put("host_name", at.hostName()).put("device", at.device())
          .put("attached_at", Volume.time(at.attachedAt())));
    }
    return a;
  }

  private JsonArray links(Volume v) {
    return new JsonArray()
        .add(new JsonObject().put("rel", "self").put("href", baseUrl + "/v3/" + v.projectId() + "/volumes/" + v.id()))
        .add(new JsonObject().put("rel", "bookmark").put("href", baseUrl + "/" + v.projectId() + "/volumes/" + v.id()));
  }
}
