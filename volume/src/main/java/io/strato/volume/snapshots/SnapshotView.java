package io.strato.volume.snapshots;

import io.strato.common.http.ApiVersion;
import io.strato.volume.Volume;
import io.vertx.core.json.JsonObject;

/**
 * Cinder's snapshot view: the summary of {@code GET /snapshots} and the detail of every other reply, which adds the
 * {@code os-extended-snapshot-attributes} and the fields of the caller's microversion (3.14 {@code group_snapshot_id},
 * 3.41 {@code user_id}, 3.65 {@code consumes_quota}).
 */
final class SnapshotView {
  private SnapshotView() {}

  static JsonObject summary(Snapshot s) {
    return new JsonObject().put("id", s.id()).put("created_at", Volume.time(s.createdAt()))
        .put("updated_at", Volume.time(s.updatedAt())).put("name", s.name()).put("description", s.description())
        .put("volume_id", s.volumeId()).put("status", s.status().wire()).put("size", s.size())
        .put("metadata", s.metadata());
  }

  static JsonObject detail(Snapshot s, ApiVersion mv) {
    JsonObject j = summary(s).put("os-extended-snapshot-attributes:project_id", s.projectId())
        .put("os-extended-snapshot-attributes:progress", s.status() == SnapshotStatus.AVAILABLE ? "100%" : "0%");
    if (mv.atLeast(14)) j.put("group_snapshot_id", null);
    if (mv.atLeast(41)) j.put("user_id", s.userId());
    if (mv.atLeast(65)) j.put("consumes_quota", true);
    return j;
  }
}
