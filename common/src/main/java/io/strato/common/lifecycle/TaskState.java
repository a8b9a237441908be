package io.strato.common.lifecycle;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Nova's {@code task_state}: the operation running on an instance (null when none), as stored in
 * {@code nova.instances.task_state} and shown as {@code OS-EXT-STS:task_state}. A build walks {@link #SCHEDULING},
 * {@link #BLOCK_DEVICE_MAPPING}, {@link #NETWORKING}, {@link #SPAWNING}; the actions set theirs while their order is
 * on its way to the host. {@link #wire()} is the OpenStack name.
 */
public enum TaskState {
  SCHEDULING("scheduling"),
  BLOCK_DEVICE_MAPPING("block_device_mapping"),
  NETWORKING("networking"),
  SPAWNING("spawning"),
  DELETING("deleting"),
  POWERING_OFF("powering-off"),
  POWERING_ON("powering-on"),
  REBOOTING("rebooting"),
  REBOOT_PENDING("reboot_pending"),
  REBOOT_STARTED("reboot_started"),
  REBOOTING_HARD("rebooting_hard"),
  REBOOT_PENDING_HARD("reboot_pending_hard"),
  REBOOT_STARTED_HARD("reboot_started_hard"),
  PAUSING("pausing"),
  UNPAUSING("unpausing"),
  SUSPENDING("suspending"),
  RESUMING("resuming"),
  IMAGE_SNAPSHOT_PENDING("image_snapshot_pending"),
  IMAGE_SNAPSHOT("image_snapshot"),
  IMAGE_PENDING_UPLOAD("image_pending_upload"),
  IMAGE_UPLOADING("image_uploading"),
  REBUILDING("rebuilding"),
  REBUILD_BLOCK_DEVICE_MAPPING("rebuild_block_device_mapping"),
  REBUILD_SPAWNING("rebuild_spawning"),
  RESIZE_PREP("resize_prep"),
  RESIZE_MIGRATING("resize_migrating"),
  RESIZE_MIGRATED("resize_migrated"),
  RESIZE_FINISH("resize_finish"),
  RESIZE_REVERTING("resize_reverting"),
  RESIZE_CONFIRMING("resize_confirming");

  private static final Map<String, TaskState> BY_WIRE =
      Arrays.stream(values()).collect(Collectors.toMap(s -> s.wire, Function.identity()));
  private final String wire;

  TaskState(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  /** A step of a resize or cold migration (the API shows the server as RESIZE, or REVERT_RESIZE while reverting). */
  public boolean isResizeStep() {
    return this == RESIZE_PREP || this == RESIZE_MIGRATING || this == RESIZE_MIGRATED || this == RESIZE_FINISH;
  }

  /** The build steps, in order. */
  public boolean isBuildStep() {
    return this == SCHEDULING || this == BLOCK_DEVICE_MAPPING || this == NETWORKING || this == SPAWNING;
  }

  /** The steps of a rebuild (Nova shows the server as {@code REBUILD} during them, whatever its vm_state). */
  public boolean isRebuildStep() {
    return this == REBUILDING || this == REBUILD_BLOCK_DEVICE_MAPPING || this == REBUILD_SPAWNING;
  }

  /** The steps of a snapshot ({@code createImage}): the server stays ACTIVE (or SHUTOFF, ...) through them. */
  public boolean isSnapshotStep() {
    return this == IMAGE_SNAPSHOT_PENDING || this == IMAGE_SNAPSHOT || this == IMAGE_PENDING_UPLOAD
        || this == IMAGE_UPLOADING;
  }

  /**
   * The instance-action event a build step belongs to: {@code schedule} for {@link #SCHEDULING}, the step's own name
   * for the others; null for a task that is not a build step.
   */
  public String event() {
    if (this == SCHEDULING) return "schedule";
    return isBuildStep() ? wire : null;
  }

  /** The state named {@code wire}; null for null; {@link IllegalArgumentException} for a name Nova does not have. */
  public static TaskState of(String wire) {
    if (wire == null) return null;
    TaskState s = BY_WIRE.get(wire);
    if (s == null) throw new IllegalArgumentException("unknown task_state " + wire);
    return s;
  }

  /** The wire name of {@code s}, or null (no task). */
  public static String wireOf(TaskState s) {
    return s == null ? null : s.wire;
  }

  @Override
  public String toString() {
    return wire;
  }
}
