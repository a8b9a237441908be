package io.strato.common.messages;

import io.vertx.core.json.JsonObject;
import java.util.Objects;
import java.util.UUID;

/**
 * compute API -> schedulers on {@code strato.cancellations} (compacted, keyed by instance id): the instance was
 * deleted before any host took it (Nova's local delete), so its boot request must not be placed. Written through the
 * compute API's outbox in the delete's transaction, so it is never lost; every scheduler replays the topic at start
 * and drops a boot request's cancelled instances before it claims anything for them. Applying one twice changes
 * nothing. {@code cancelledAt} (epoch milliseconds) lets a scheduler forget it after
 * {@code kafka.cancellations.retention.ms}, as the topic does.
 *
 * <p>JSON (version {@value #VERSION}): {@code {"version": 1, "instance_id": "…", "cancelled_at": 1764756000000}}
 */
public record Cancellation(int version, String instanceId, long cancelledAt) {
  public static final int VERSION = 1;

  public Cancellation {
    if (version != VERSION) throw new IllegalArgumentException("unsupported cancellation version " + version);
    UUID.fromString(Objects.requireNonNull(instanceId, "instance_id"));
  }

  public static Cancellation of(String instanceId) {
    return new Cancellation(VERSION, instanceId, System.currentTimeMillis());
  }

  public JsonObject toJson() {
    return new JsonObject().put("version", version).put("instance_id", instanceId).put("cancelled_at", cancelledAt);
  }

  /** Parses and validates; throws (IllegalArgumentException, ClassCastException, NullPointerException) otherwise. */
  public static Cancellation fromJson(JsonObject j) {
    return new Cancellation(j.getInteger("version", 0), j.getString("instance_id"), j.getLong("cancelled_at"));
  }
}
