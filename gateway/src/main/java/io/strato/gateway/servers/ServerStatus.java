package io.strato.gateway.servers;

import io.strato.common.lifecycle.TaskState;
import io.strato.common.lifecycle.VmState;
import java.util.List;

/** Maps the API's {@code status} filter to the vm_state (and task states) it means, as Nova's list does. */
record ServerStatus(VmState vmState, List<TaskState> taskStates) {
  static ServerStatus of(String status) {
    return switch (status.toUpperCase()) {
      case "ACTIVE" -> new ServerStatus(VmState.ACTIVE, null);
      case "BUILD" -> new ServerStatus(VmState.BUILDING, null);
      case "SHUTOFF" -> new ServerStatus(VmState.STOPPED, null);
      case "ERROR" -> new ServerStatus(VmState.ERROR, null);
      case "PAUSED" -> new ServerStatus(VmState.PAUSED, null);
      case "SUSPENDED" -> new ServerStatus(VmState.SUSPENDED, null);
      case "REBOOT" -> new ServerStatus(VmState.ACTIVE,
          List.of(TaskState.REBOOTING, TaskState.REBOOT_PENDING, TaskState.REBOOT_STARTED));
      case "HARD_REBOOT" -> new ServerStatus(VmState.ACTIVE,
          List.of(TaskState.REBOOTING_HARD, TaskState.REBOOT_PENDING_HARD, TaskState.REBOOT_STARTED_HARD));
      default -> null;
    };
  }
}
