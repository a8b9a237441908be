package io.strato.common.messages;

import io.strato.common.lifecycle.PowerState;
import io.strato.common.lifecycle.TaskState;
import io.strato.common.lifecycle.VmState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

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
 * <p>A build on a host sends two updates: {@link #buildStarted} (the fence is set) and {@link #built} or
 * {@link #buildFailed} carrying the steps it ran, with their times, as instance-action events.
 *
 * <p>Make updates with the named constructors ({@link #buildStarted}, {@link #built}, {@link #buildFailed},
 * {@link #step}, {@link #active}, {@link #buildError}, {@link #deleted},
 * {@link #actionEnded}, {@link #actionFailed}, {@link #error}); the canonical constructor is for decoding.
 *
 * @param event   the instance-action event this update ends or starts ({@code schedule}, {@code spawn}, ...), or null
 * @param host    the host the update comes from, now responsible for the instance; null for updates not from a host
 * @param attempt the scheduling attempt (1, then +1 per reschedule) whose build sends the update; 0 when not known
 * @param changes other fields to set ({@code power_state}, {@code addresses}, {@code launched_at}, ...)
 * @param fault   {@code {code, message, details}} when the instance goes to ERROR, else null
 * @param steps   build steps that ran on the host since the last update, each recorded as an instance-action event
 *                with its own start and finish (a build reports its steps with its end instead of one update each);
 *                optional on the wire (empty when absent)
 */
public record InstanceUpdate(int version, String messageId, String instanceId, VmState expectedVmState,
    TaskState expectedTaskState, VmState vmState, TaskState taskState, String host, int attempt, String event,
    String eventResult, JsonObject changes, JsonObject fault, String requestId, long timestampMillis,
    List<Step> steps) {

  public static final int VERSION = 1;
  /** The key in {@link #changes} of a volume outcome ({@link #volumeAttached}, {@link #volumeRemoved}). */
  public static final String VOLUME_ATTACHMENT = "volume_attachment";
  private static final String SUCCESS = "Success";
  private static final String ERROR = "Error";

  public InstanceUpdate {
    if (version != VERSION) throw new IllegalArgumentException("unsupported instance update version " + version);
    Objects.requireNonNull(instanceId, "instanceId");
    changes = changes == null ? new JsonObject() : changes;
    // Only a volume outcome leaves the vm_state as it is (Nova's attach and detach set no task state either).
    if (vmState == null && !changes.containsKey(VOLUME_ATTACHMENT)) throw new NullPointerException("vmState");
    if (attempt < 0) throw new IllegalArgumentException("attempt must not be negative");
    steps = steps == null ? List.of() : List.copyOf(steps);
  }

  /** An update without build steps (every update but a build's end). */
  public InstanceUpdate(int version, String messageId, String instanceId, VmState expectedVmState,
      TaskState expectedTaskState, VmState vmState, TaskState taskState, String host, int attempt, String event,
      String eventResult, JsonObject changes, JsonObject fault, String requestId, long timestampMillis) {
    this(version, messageId, instanceId, expectedVmState, expectedTaskState, vmState, taskState, host, attempt, event,
        eventResult, changes, fault, requestId, timestampMillis, List.of());
  }

  /**
   * A build step that ran on the host: its instance-action event ({@code block_device_mapping}, {@code networking},
   * {@code spawning}), when it started and finished (epoch milliseconds), {@code Success} or {@code Error}.
   */
  public record Step(String event, long startMillis, long finishMillis, String result) {
    public Step {
      Objects.requireNonNull(event, "event");
      if (!SUCCESS.equals(result) && !ERROR.equals(result)) {
        throw new IllegalArgumentException("a step's result is Success or Error, not " + result);
      }
    }

    /** The step {@code task} started at {@code startMillis} and ended now, well or not. */
    public static Step of(TaskState task, long startMillis, boolean succeeded) {
      return new Step(task.event(), startMillis, System.currentTimeMillis(), succeeded ? SUCCESS : ERROR);
    }

    JsonObject toJson() {
      return new JsonObject().put("event", event).put("start_ms", startMillis).put("finish_ms", finishMillis)
          .put("result", result);
    }

    static Step fromJson(JsonObject j) {
      return new Step(j.getString("event"), j.getLong("start_ms", 0L), j.getLong("finish_ms", 0L),
          j.getString("result"));
    }
  }

  /**
   * Who sends an update: the host and scheduling attempt that fence it (null and 0 for the scheduler), and the
   * request (its instance action) it belongs to.
   */
  public record Origin(String host, int attempt, String requestId) {
    /** An update from the scheduler (or an agent that has not taken the instance): no host, no attempt. */
    public static Origin unplaced(String requestId) {
      return new Origin(null, 0, requestId);
    }
  }

  private static InstanceUpdate of(Origin o, String instanceId, VmState fromVm, TaskState fromTask, VmState toVm,
      TaskState toTask, String event, String result, JsonObject changes, JsonObject fault) {
    return new InstanceUpdate(VERSION, UUID.randomUUID().toString(), instanceId, fromVm, fromTask, toVm, toTask,
        o.host(), o.attempt(), event, result, changes, fault, o.requestId(), System.currentTimeMillis());
  }

  /**
   * A build starts on the host (its claim there re-checked): the instance moves from {@code scheduling} to
   * {@code spawning}, the host and attempt are recorded (the fence), and the {@code schedule} event ends. The build's
   * steps then run without an update each; {@link #built} or {@link #buildFailed} reports them.
   */
  public static InstanceUpdate buildStarted(Origin o, String instanceId) {
    return step(o, instanceId, TaskState.SCHEDULING, TaskState.SPAWNING, null);
  }

  /** The build that {@link #buildStarted} ends: ACTIVE and running with {@code changes}, and its {@code steps}. */
  public static InstanceUpdate built(Origin o, String instanceId, JsonObject changes, List<Step> steps) {
    JsonObject c = changes == null ? new JsonObject() : changes.copy();
    c.put("power_state", PowerState.RUNNING.code());
    return new InstanceUpdate(VERSION, UUID.randomUUID().toString(), instanceId, VmState.BUILDING,
        TaskState.SPAWNING, VmState.ACTIVE, null, o.host(), o.attempt(), null, null, c, null, o.requestId(),
        System.currentTimeMillis(), steps);
  }

  /** The build that {@link #buildStarted} ends in ERROR, with its {@code steps} (the last one failed). */
  public static InstanceUpdate buildFailed(Origin o, String instanceId, List<Step> steps, String message) {
    return new InstanceUpdate(VERSION, UUID.randomUUID().toString(), instanceId, VmState.BUILDING,
        TaskState.SPAWNING, VmState.ERROR, null, o.host(), o.attempt(), null, null, null, fault(500, message, ""),
        o.requestId(), System.currentTimeMillis(), steps);
  }

  /** A build moves from step {@code from} to step {@code to}, finishing {@code from}'s instance-action event. */
  public static InstanceUpdate step(Origin o, String instanceId, TaskState from, TaskState to, JsonObject changes) {
    return of(o, instanceId, VmState.BUILDING, from, VmState.BUILDING, to, from.event(), SUCCESS, changes, null);
  }

  /** A build ends: spawned, the instance is ACTIVE and running, with {@code changes} (addresses, volumes). */
  public static InstanceUpdate active(Origin o, String instanceId, JsonObject changes) {
    JsonObject c = changes == null ? new JsonObject() : changes.copy();
    c.put("power_state", PowerState.RUNNING.code());
    return of(o, instanceId, VmState.BUILDING, TaskState.SPAWNING, VmState.ACTIVE, null,
        TaskState.SPAWNING.event(), SUCCESS, c, null);
  }

  /** A build ends in ERROR while at step {@code from}, with a fault of code 500 and {@code message}. */
  public static InstanceUpdate buildError(Origin o, String instanceId, TaskState from, String message) {
    return of(o, instanceId, VmState.BUILDING, from, VmState.ERROR, null, from == null ? null : from.event(), ERROR,
        null, fault(500, message, ""));
  }

  /** The update that ends a build in ERROR with a fault, from wherever the build was (the scheduler's NoValidHost). */
  public static InstanceUpdate error(String messageId, String instanceId, TaskState expectedTaskState, String host,
      String event, int code, String message, String details, String requestId) {
    return new InstanceUpdate(VERSION, messageId, instanceId, VmState.BUILDING, expectedTaskState, VmState.ERROR, null,
        host, 0, event, ERROR, null, fault(code, message, details), requestId, System.currentTimeMillis());
  }

  /** A delete ordered by the compute API ({@code deleting}) is done: nothing is left of the instance on its host. */
  public static InstanceUpdate deleted(Origin o, String instanceId) {
    return of(o, instanceId, null, TaskState.DELETING, VmState.DELETED, null, null, null,
        new JsonObject().put("power_state", PowerState.NOSTATE.code()), null);
  }

  /**
   * An action ({@code task}: reboot, stop, start, pause, ...) is done: the instance is {@code to}, its power
   * {@code power}; its instance-action {@code event} (Nova's {@code compute_<action>_instance}) succeeded.
   */
  public static InstanceUpdate actionEnded(Origin o, String instanceId, TaskState task, VmState to, PowerState power,
      String event) {
    return of(o, instanceId, null, task, to, null, event, SUCCESS, new JsonObject().put("power_state",
        power.code()), null);
  }

  /** An action ({@code task}) failed: the instance goes to ERROR with {@code message}. */
  public static InstanceUpdate actionFailed(Origin o, String instanceId, TaskState task, String event,
      String message) {
    return of(o, instanceId, null, task, VmState.ERROR, null, event, ERROR, null, fault(500, message, ""));
  }

  /**
   * A step of a resize or cold migration ({@link ResizeOrder}): the instance, in whatever vm_state, moves from task
   * {@code from} to {@code toVm}/{@code to}. {@code event} (Nova's {@code compute_resize_instance}, ...) starts when
   * {@code succeeded} is null, else ends well or not; a {@code faultMessage} records a fault (code 500). The conductor
   * applies {@code changes} {@code host} (the instance moves there), {@code flavor} and {@code quota_release}.
   */
  public static InstanceUpdate resizeStep(Origin o, String instanceId, TaskState from, VmState toVm, TaskState to,
      String event, Boolean succeeded, JsonObject changes, String faultMessage) {
    String result = succeeded == null ? null : succeeded ? SUCCESS : ERROR;
    return of(o, instanceId, null, from, toVm, to, event, result, changes,
        faultMessage == null ? null : fault(500, faultMessage, ""));
  }

  /**
   * A volume attach or detach on the host ended with the volume attached to the instance: attached, or a detach that
   * failed and left it attached ({@code failure} then says why: the event's result is Error and the instance gets a
   * fault, its vm_state unchanged, as Nova's). The conductor marks the instance's {@code volumes_attached} entry
   * attached; it is not a state transition ({@code vmState} is null), fenced by the host only.
   */
  public static InstanceUpdate volumeAttached(Origin o, String instanceId, String volumeId, String event,
      String failure) {
    return volumeOutcome(o, instanceId, volumeId, "attached", event, failure);
  }

  /**
   * A volume attach or detach on the host ended with the volume no longer attached: detached, or an attach that
   * failed and was undone ({@code failure} says why). The conductor removes the {@code volumes_attached} entry.
   */
  public static InstanceUpdate volumeRemoved(Origin o, String instanceId, String volumeId, String event,
      String failure) {
    return volumeOutcome(o, instanceId, volumeId, "removed", event, failure);
  }

  private static InstanceUpdate volumeOutcome(Origin o, String instanceId, String volumeId, String outcome,
      String event, String failure) {
    JsonObject c = new JsonObject().put(VOLUME_ATTACHMENT, new JsonObject().put("volume_id", volumeId)
        .put("outcome", outcome));
    return of(o, instanceId, null, null, null, null, event, failure == null ? SUCCESS : ERROR, c,
        failure == null ? null : fault(500, failure, ""));
  }

  /** Whether this is a volume outcome rather than a state transition. */
  public boolean isVolumeOutcome() {
    return changes.containsKey(VOLUME_ATTACHMENT);
  }

  /**
   * A long action (snapshot, rebuild) moves on from task {@code from} to task {@code to}, the instance staying
   * {@code vmState}; its instance-action {@code event} starts (null: none). The action ends with
   * {@link #actionEnded} or {@link #taskReverted}.
   */
  public static InstanceUpdate taskMoved(Origin o, String instanceId, VmState vmState, TaskState from, TaskState to,
      String event) {
    return of(o, instanceId, null, from, vmState, to, event, null, null, null);
  }

  /**
   * A long action (task {@code from}) failed but left the instance as it was (Nova's snapshot): back to {@code to}
   * with no task; its {@code event} ends in error with {@code message}, recorded as the instance's fault too (shown
   * only if the instance is ever in ERROR, as Nova's instance faults).
   */
  public static InstanceUpdate taskReverted(Origin o, String instanceId, TaskState from, VmState to, String event,
      String message) {
    return of(o, instanceId, null, from, to, null, event, ERROR, null, fault(500, message, ""));
  }

  private static JsonObject fault(int code, String message, String details) {
    return new JsonObject().put("code", code).put("message", message).put("details", details);
  }

  public JsonObject toJson() {
    return new JsonObject().put("version", version).put("message_id", messageId).put("instance_id", instanceId)
        .put("expected_vm_state", VmState.wireOf(expectedVmState))
        .put("expected_task_state", TaskState.wireOf(expectedTaskState)).put("vm_state", VmState.wireOf(vmState))
        .put("task_state", TaskState.wireOf(taskState)).put("host", host).put("attempt", attempt)
        .put("event", event).put("event_result", eventResult).put("changes", changes).put("fault", fault)
        .put("request_id", requestId).put("timestamp_ms", timestampMillis)
        .put("steps", new JsonArray(steps.stream().map(Step::toJson).toList()));
  }

  public static InstanceUpdate fromJson(JsonObject j) {
    try {
      return new InstanceUpdate(j.getInteger("version", 0), j.getString("message_id"), j.getString("instance_id"),
          VmState.of(j.getString("expected_vm_state")), TaskState.of(j.getString("expected_task_state")),
          VmState.of(j.getString("vm_state")), TaskState.of(j.getString("task_state")), j.getString("host"),
          j.getInteger("attempt", 0), j.getString("event"), j.getString("event_result"), j.getJsonObject("changes"),
          j.getJsonObject("fault"), j.getString("request_id"), j.getLong("timestamp_ms", 0L),
          steps(j.getJsonArray("steps")));
    } catch (ClassCastException e) {
      throw new IllegalArgumentException("malformed instance update: " + e.getMessage(), e);
    }
  }

  private static List<Step> steps(JsonArray steps) {
    if (steps == null) return List.of();
    List<Step> out = new ArrayList<>();
    for (Object o : steps) out.add(Step.fromJson((JsonObject) o)); // not an object: ClassCastException, a poison
    return out;
  }
}
