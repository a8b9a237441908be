package io.strato.gateway.servers;

import io.strato.common.lifecycle.TaskState;
import io.strato.common.lifecycle.VmState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.List;

/** One instance row, as the API reads it. */
public record Instance(String id, long seq, String reservationId, int launchIndex, String projectId, String userId,
    String name, String description, JsonObject flavor, String imageId, VmState vmState, TaskState taskState,
    int powerState, String host, String node, String availabilityZone, String keyName, JsonObject metadata,
    String userData, JsonArray securityGroups, JsonObject addresses, JsonArray volumesAttached, String serverGroupId,
    JsonObject fault, int progress, boolean locked, String configDrive, OffsetDateTime createdAt,
    OffsetDateTime updatedAt, OffsetDateTime launchedAt, OffsetDateTime terminatedAt, List<String> tags) {

  public static final String COLUMNS = "id, seq, reservation_id, launch_index, project_id, user_id, name, description,"
      + " flavor, image_id, vm_state, task_state, power_state, host, node, availability_zone, key_name, metadata,"
      + " user_data, security_groups, addresses, volumes_attached, server_group_id, fault, progress, locked,"
      + " config_drive, created_at, updated_at, launched_at, terminated_at, tags";

  public static Instance from(Row r) {
    return new Instance(r.getUUID("id").toString(), r.getLong("seq"), r.getString("reservation_id"),
        r.getInteger("launch_index"), r.getString("project_id"), r.getString("user_id"), r.getString("name"),
        r.getString("description"), r.getJsonObject("flavor"), r.getString("image_id"),
        VmState.of(r.getString("vm_state")), TaskState.of(r.getString("task_state")), r.getInteger("power_state"), r.getString("host"), r.getString("node"),
        r.getString("availability_zone"), r.getString("key_name"), r.getJsonObject("metadata"),
        r.getString("user_data"), (JsonArray) r.getValue("security_groups"), r.getJsonObject("addresses"),
        (JsonArray) r.getValue("volumes_attached"),
        r.getUUID("server_group_id") == null ? null : r.getUUID("server_group_id").toString(),
        r.getJsonObject("fault"), r.getInteger("progress"), r.getBoolean("locked"), r.getString("config_drive"),
        r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at"), r.getOffsetDateTime("launched_at"),
        r.getOffsetDateTime("terminated_at"), List.of(r.getArrayOfStrings("tags")));
  }

  /** The API status Nova derives from vm_state and task_state. */
  public String status() {
    return switch (vmState) {
      case BUILDING -> "BUILD";
      case ACTIVE, STOPPED -> taskState != null && taskState.isResizeStep() ? "RESIZE" : steadyStatus();
      case RESIZED -> taskState == TaskState.RESIZE_REVERTING ? "REVERT_RESIZE" : "VERIFY_RESIZE";
      case ERROR -> taskState != null && taskState.isRebuildStep() ? "REBUILD" : "ERROR";
      case DELETED -> "DELETED";
      case PAUSED -> "PAUSED";
      case SUSPENDED -> "SUSPENDED";
      default -> "UNKNOWN";
    };
  }

  /** ACTIVE (or a reboot's or rebuild's status) and SHUTOFF, when no resize runs. */
  private String steadyStatus() {
    return switch (vmState) {
      case ACTIVE -> taskState == null ? "ACTIVE" : switch (taskState) {
        case REBOOTING, REBOOT_PENDING, REBOOT_STARTED -> "REBOOT";
        case REBOOTING_HARD, REBOOT_PENDING_HARD, REBOOT_STARTED_HARD -> "HARD_REBOOT";
        case REBUILDING, REBUILD_BLOCK_DEVICE_MAPPING, REBUILD_SPAWNING -> "REBUILD";
        default -> "ACTIVE";
      };
      default -> taskState != null && taskState.isRebuildStep() ? "REBUILD" : "SHUTOFF";
    };
  }
}
