package io.strato.common.messages;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;

/**
 * scheduler -> the chosen host's agent, on {@code strato.assignments} keyed by the host: "build this
 * instance here; the resources are claimed". Carries everything the agent needs (the boot request's flavor, image
 * and build spec) and the alternates to try if this host fails or refuses.
 *
 * <p>Idempotency: a redelivered boot request yields the same assignment (same instance, host and claim); the agent
 * keys on the instance id and builds each instance once.
 *
 * @param attempt 1 for the first placement, +1 for each reschedule
 */
public record Assignment(int version, String messageId, String instanceId, int launchIndex, String host,
    List<String> alternates, int attempt, BootRequest request) {

  public static final int VERSION = 1;
  public static final String TYPE = "assignment";

  public Assignment {
    if (version != VERSION) throw new IllegalArgumentException("unsupported assignment version " + version);
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(request, "request");
    if (!request.instanceIds().contains(instanceId)) {
      throw new IllegalArgumentException("instance " + instanceId + " is not part of its boot request");
    }
    alternates = List.copyOf(alternates);
  }

  public JsonObject toJson() {
    return new JsonObject().put("type", TYPE).put("version", version).put("message_id", messageId)
        .put("instance_id", instanceId).put("launch_index", launchIndex).put("host", host)
        .put("alternates", new JsonArray(alternates)).put("attempt", attempt).put("request", request.toJson());
  }

  public static Assignment fromJson(JsonObject j) {
    try {
      return new Assignment(j.getInteger("version", 0), j.getString("message_id"), j.getString("instance_id"),
          j.getInteger("launch_index", 0), j.getString("host"),
          j.getJsonArray("alternates", new JsonArray()).stream().map(String::valueOf).toList(),
          j.getInteger("attempt", 1), BootRequest.fromJson(j.getJsonObject("request")));
    } catch (ClassCastException | NullPointerException e) {
      throw new IllegalArgumentException("malformed assignment: " + e.getMessage(), e);
    }
  }
}
