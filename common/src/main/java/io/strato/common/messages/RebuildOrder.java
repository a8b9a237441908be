package io.strato.common.messages;

import io.strato.common.http.Fields;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * gateway -> the agent of the host an instance runs on, on {@code strato.assignments} keyed by host: "rebuild this
 * instance from that image" (Nova's {@code rebuild}). The compute API has checked the image for the instance's project,
 * recorded it on the instance and set the task state {@code rebuilding}; the agent replaces the root disk with a new
 * overlay of the image on the same host, with the same ports and volumes, and reports through the conductor. Carries
 * no secret (a partition holds other hosts' orders: the admin password stays in the API's reply).
 *
 * <p>Idempotency: the agent acts only while the compute API shows the instance on this host in a rebuild task state;
 * a redelivered order for a finished rebuild changes nothing.
 *
 * @param imageId the image to rebuild from; empty for a volume-backed server (its root volume is kept)
 * @param rootGb  the flavor's root disk in GiB (0: the image's virtual size), as at the build
 */
public record RebuildOrder(int version, String messageId, String instanceId, String host, String imageId, int rootGb,
    boolean preserveEphemeral, String projectId, String requestId) {

  public static final int VERSION = 1;
  public static final String TYPE = "rebuild";

  public RebuildOrder {
    if (version != VERSION) throw new IllegalArgumentException("unsupported rebuild order version " + version);
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(projectId, "projectId");
    if (!Fields.isUuid(instanceId)) throw new IllegalArgumentException("a rebuild order names an instance by uuid");
    if (imageId == null || (!imageId.isEmpty() && !Fields.isUuid(imageId))) {
      throw new IllegalArgumentException("a rebuild order names an image by uuid, or none");
    }
    if (rootGb < 0) throw new IllegalArgumentException("rootGb must not be negative");
  }

  public JsonObject toJson() {
    return new JsonObject().put("type", TYPE).put("version", version).put("message_id", messageId)
        .put("instance_id", instanceId).put("host", host).put("image_id", imageId).put("root_gb", rootGb)
        .put("preserve_ephemeral", preserveEphemeral).put("project_id", projectId).put("request_id", requestId);
  }

  public static RebuildOrder fromJson(JsonObject j) {
    return new RebuildOrder(j.getInteger("version", 0), j.getString("message_id"), j.getString("instance_id"),
        j.getString("host"), j.getString("image_id"), j.getInteger("root_gb", 0),
        j.getBoolean("preserve_ephemeral", false), j.getString("project_id"), j.getString("request_id"));
  }
}
