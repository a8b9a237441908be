package io.strato.common.messages;

import io.strato.common.http.Fields;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * gateway -> the agent of the host an instance runs on, on {@code strato.assignments} keyed by host: "capture this
 * instance's root disk into that image" ({@code createImage}). The compute API has already made the image record
 * ({@code queued}) and set the task state {@code image_snapshot_pending}; the agent captures, uploads and reports
 * through the conductor. Carries no secret (a partition holds other hosts' orders).
 *
 * <p>Idempotency: the agent acts only while the compute API shows the instance on this host in a snapshot task
 * state and the image is still {@code queued}; a redelivered order for a finished snapshot changes nothing.
 *
 * @param imageProjectId the project that owns the image (the caller's: the instance's own, or an admin's)
 * @param projectId      the instance's project
 */
public record SnapshotOrder(int version, String messageId, String instanceId, String host, String imageId,
    String imageProjectId, String projectId, String requestId) {

  public static final int VERSION = 1;
  public static final String TYPE = "snapshot";

  public SnapshotOrder {
    if (version != VERSION) throw new IllegalArgumentException("unsupported snapshot order version " + version);
    Objects.requireNonNull(host, "host");
    if (!Fields.isUuid(instanceId) || !Fields.isUuid(imageId)) {
      throw new IllegalArgumentException("a snapshot order names an instance and an image by uuid");
    }
    Objects.requireNonNull(imageProjectId, "imageProjectId");
    Objects.requireNonNull(projectId, "projectId");
  }

  public JsonObject toJson() {
    return new JsonObject().put("type", TYPE).put("version", version).put("message_id", messageId)
        .put("instance_id", instanceId).put("host", host).put("image_id", imageId)
        .put("image_project_id", imageProjectId).put("project_id", projectId).put("request_id", requestId);
  }

  public static SnapshotOrder fromJson(JsonObject j) {
    return new SnapshotOrder(j.getInteger("version", 0), j.getString("message_id"), j.getString("instance_id"),
        j.getString("host"), j.getString("image_id"), j.getString("image_project_id"), j.getString("project_id"),
        j.getString("request_id"));
  }
}
