package io.strato.common.messages;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * scheduler and agents -> conductor, on {@code strato.instance-updates} keyed by instance id: "this instance moved
 * from {@code expectedVmState}/{@code expectedTaskState} to {@code vmState}/{@code taskState}" (a null
 * {@code expectedVmState} matches any vm_state: actions such as delete are keyed by their task state). The conductor
 * applies it only if the instance is still in the expected state (compare-and-set), so a late or redelivered update
 * never moves an instance backwards or resurrects a deleted one.
 *
 * <p>Fencing: an update names the host and the scheduling attempt it comes from. The first update from a host (the
 * build's first step) records that host and attempt on the instance; from then on the conductor refuses an update
 * from any other host or attempt (an agent still building after the instance was placed elsewhere, a second placement
 * by a scheduler replica whose partitions moved). An update with no host (the scheduler's NoValidHost) is fenced by
 * its expected state alone.
 *
 * @param event   the instance-action event this update ends or starts ({@code schedule}, {@code spawn}, ...), or null
 * @param host    the host the update comes from, now responsible for the instance; null for updates not from a host
 * @param attempt the scheduling attempt (1, then +1 per reschedule) whose build sends the update; 0 when not known
 * @param changes other fields to set ({@code power_state}, {@code addresses}, {@code launched_at}, ...)
 * @param fault   {@code {code, message, details}} when the instance goes to ERROR, else null
 */
public record InstanceUpdate(int version, String messageId, String instanceId, String expectedVmState,
    String expectedTaskState, String vmState, String taskState, String host, int attempt, String event,
    String eventResult, JsonObject changes, JsonObject fault, String requestId, long timestampMillis) {

  public static final int VERSION = 1;

  public InstanceUpdate {
    if (version != VERSION) throw new IllegalArgumentException("unsupported instance update version " + version);
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(vmState, "vmState");
    changes = changes == null ? new JsonObject() : changes;
    if (attempt < 0) throw new IllegalArgumentException("attempt must not be negative");
  }

  /** An update that names no attempt (attempt 0). */
  public InstanceUpdate(int version, String messageId, String instanceId, String expectedVmState,
      String expectedTaskState, String vmState, String taskState, String host, String event, String eventResult,
      JsonObject changes, JsonObject fault, String requestId, long timestampMillis) {
    this(version, messageId, instanceId, expectedVmState, expectedTaskState, vmState, taskState, host, 0, event,
        eventResult, changes, fault, requestId, timestampMillis);
  }

  /** The update that ends a build in ERROR with a fault, from wherever the build was. */
  public static InstanceUpdate error(String messageId, String instanceId, String expectedTaskState, String host,
      String event, int code, String message, String details, String requestId) {
    return new InstanceUpdate(VERSION, messageId, instanceId, "building", expectedTaskState, "error", null, host,
        event, "Error", null, new JsonObject().put("code", code).put("message", message).put("details", details),
        requestId, System.currentTimeMillis());
  }

  public JsonObject toJson() {
    return new JsonObject().put("version", version).put("message_id", messageId).put("instance_id", instanceId)
        .put("expected_vm_state", expectedVmState).put("expected_task_state", expectedTaskState)
        .put("vm_state", vmState).put("task_state", taskState).put("host", host).put("attempt", attempt)
        .put("event", event).put("event_result", eventResult).put("changes", changes).put("fault", fault).put("request_id", requestId)
        .put("timestamp_ms", timestampMillis);
  }

  public static InstanceUpdate fromJson(JsonObject j) {
    try {
      return new InstanceUpdate(j.getInteger("version", 0), j.getString("message_id"), j.getString("instance_id"),
          j.getString("expected_vm_state"), j.getString("expected_task_state"), j.getString("vm_state"),
          j.getString("task_state"), j.getString("host"), j.getInteger("attempt", 0), j.getString("event"),
          j.getString("event_result"),
          j.getJsonObject("changes"), j.getJsonObject("fault"), j.getString("request_id"),
          j.getLong("timestamp_ms", 0L));
    } catch (ClassCastException e) {
      throw new IllegalArgumentException("malformed instance update: " + e.getMessage(), e);
    }
  }
}
