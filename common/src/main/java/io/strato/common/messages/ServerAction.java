package io.strato.common.messages;

import io.vertx.core.json.JsonObject;
import java.util.Objects;
import java.util.Set;

/**
 * gateway -> the agent of the host an instance runs on, on {@code strato.assignments} keyed by host:
 * "do this to that instance". The gateway has already set the matching task state; the agent reports the result
 * through the conductor. Idempotency: the agent keys on (instanceId, requestId).
 *
 * @param action one of {@link #ACTIONS}
 */
public record ServerAction(int version, String messageId, String instanceId, String host, String action,
    String projectId, String requestId) {

  public static final int VERSION = 1;
  public static final String TYPE = "server-action";
  /**
   * From the conductor, never the compute API: the instance's build was ended in ERROR (timed out, a message about it
   * dead-lettered) or the instance is gone while this host still reports building it, so the host removes whatever
   * that build made (its domain must not outlive the build), once the build no longer runs there.
   */
  public static final String ABORT_BUILD = "abort-build";
  /** What the compute API asks, and {@link #ABORT_BUILD}. */
  public static final Set<String> ACTIONS = Set.of("delete", "reboot-soft", "reboot-hard", "stop", "start",
      "pause", "unpause", "suspend", "resume", ABORT_BUILD);

  public ServerAction {
    if (version != VERSION) throw new IllegalArgumentException("unsupported server action version " + version);
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(host, "host");
    if (!ACTIONS.contains(action)) throw new IllegalArgumentException("unknown server action " + action);
  }

  public JsonObject toJson() {
    return new JsonObject().put("type", TYPE).put("version", version).put("message_id", messageId)
        .put("instance_id", instanceId).put("host", host).put("action", action).put("project_id", projectId)
        .put("request_id", requestId);
  }

  public static ServerAction fromJson(JsonObject j) {
    return new ServerAction(j.getInteger("version", 0), j.getString("message_id"), j.getString("instance_id"),
        j.getString("host"), j.getString("action"), j.getString("project_id"), j.getString("request_id"));
  }
}
