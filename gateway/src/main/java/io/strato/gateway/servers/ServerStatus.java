package io.strato.gateway.servers;

import java.util.List;

/** Maps the API's {@code status} filter to the vm_state (and task states) it means, as Nova's list does. */
record ServerStatus(String vmState, List<String> taskStates) {
  static ServerStatus of(String status) {
    return switch (status.toUpperCase()) {
      case "ACTIVE" -> new ServerStatus("active", null);
      case "BUILD" -> new ServerStatus("building", null);
      case "SHUTOFF" -> new ServerStatus("stopped", null);
      case "ERROR" -> new ServerStatus("error", null);
      case "PAUSED" -> new ServerStatus("paused", null);
      case "SUSPENDED" -> new ServerStatus("suspended", null);
      case "REBOOT" -> new ServerStatus("active", List.of("rebooting", "reboot_pending", "reboot_started"));
      case "HARD_REBOOT" -> new ServerStatus("active",
          List.of("rebooting_hard", "reboot_pending_hard", "reboot_started_hard"));
      default -> null;
    };
  }
}
