package io.strato.common.messages;

import io.vertx.core.json.JsonObject;
import java.util.Objects;
import java.util.Set;

/**
 * gateway -> the agent of the host an instance runs on, on {@code strato.assignments} keyed by host: attach or
 * detach one volume ({@code os-volume_attachments}). The compute API has already reserved the volume in the volume
 * service (the Cinder attachment {@code attachmentId}) and recorded it on the instance ({@code volumes_attached},
 * with {@code status} attaching or detaching); the agent plugs or unplugs the disk and reports the outcome through
 * the conductor ({@link InstanceUpdate#volumeAttached}, {@link InstanceUpdate#volumeRemoved}).
 *
 * <p>Idempotency: the agent decides from the attachment's durable status in the volume service, so a redelivered
 * order does the work once and reports the same outcome again.
 *
 * @param action       {@link #ATTACH} or {@link #DETACH}
 * @param attachmentId the Cinder attachment; null for a volume attached at boot before Strato recorded it (the agent
 *                     looks it up by instance and volume)
 * @param device       the guest device ({@code /dev/vdb})
 */
public record VolumeOrder(int version, String messageId, String instanceId, String host, String action,
    String projectId, String volumeId, String attachmentId, String device, String requestId) {

  public static final int VERSION = 1;
  public static final String TYPE = "volume-order";
  public static final String ATTACH = "attach-volume";
  public static final String DETACH = "detach-volume";
  private static final Set<String> ACTIONS = Set.of(ATTACH, DETACH);

  public VolumeOrder {
    if (version != VERSION) throw new IllegalArgumentException("unsupported volume order version " + version);
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(volumeId, "volumeId");
    Objects.requireNonNull(device, "device");
    if (!ACTIONS.contains(action)) throw new IllegalArgumentException("unknown volume order " + action);
    if (ATTACH.equals(action)) Objects.requireNonNull(attachmentId, "attachmentId");
  }

  public JsonObject toJson() {
    return new JsonObject().put("type", TYPE).put("version", version).put("message_id", messageId)
        .put("instance_id", instanceId).put("host", host).put("action", action).put("project_id", projectId)
        .put("volume_id", volumeId).put("attachment_id", attachmentId).put("device", device)
        .put("request_id", requestId);
  }

  public static VolumeOrder fromJson(JsonObject j) {
    try {
      return new VolumeOrder(j.getInteger("version", 0), j.getString("message_id"), j.getString("instance_id"),
          j.getString("host"), j.getString("action"), j.getString("project_id"), j.getString("volume_id"),
          j.getString("attachment_id"), j.getString("device"), j.getString("request_id"));
    } catch (ClassCastException | NullPointerException e) {
      throw new IllegalArgumentException("malformed volume order: " + e.getMessage(), e);
    }
  }
}
