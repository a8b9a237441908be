package io.strato.agent;

import io.strato.agent.net.PlumbedPort;
import io.strato.common.lifecycle.TaskState;
import io.strato.common.lifecycle.VmState;
import io.strato.common.messages.InstanceUpdate;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the agent made for one instance, so that a failed build or a delete can undo exactly that: ports it
 * created or bound, volumes it created or attached, the root overlay, the domain.
 */
final class InstanceRecord {
  final String id;
  final String projectId;
  final String requestId;
  /** Ports: id, whether the agent created it (delete) or only bound it (unbind), MAC and network (plumbing). */
  final List<JsonObject> ports = new ArrayList<>();
  /** Volumes: id, attachment id, whether to delete it on termination. */
  final List<JsonObject> volumes = new ArrayList<>();
  Path overlay;
  /** Whether a domain may exist (cleanup destroys it only then: a build that never reached spawn made none). */
  boolean domainDefined;
  /** The scheduling attempt this host builds (0: not known, e.g. after a restart); sent with every update. */
  int attempt;
  JsonObject addresses = new JsonObject();
  /** Security group names the ports go into. */
  final List<String> securityGroups = new ArrayList<>();
  VmState vmState = VmState.BUILDING;
  /** The build step running here now (its fault names it if it fails). */
  TaskState taskState = TaskState.SCHEDULING;
  /** The task state the conductor was told: what the build's next update expects. */
  TaskState reported = TaskState.SCHEDULING;
  long stepStartedMillis;
  /** The build steps finished here, reported with the build's end. */
  final List<InstanceUpdate.Step> steps = new ArrayList<>();

  InstanceRecord(String id, String projectId, String requestId) {
    this.id = id;
    this.projectId = projectId;
    this.requestId = requestId;
  }

  /** A port as {@link #ports} keeps it, from the network service's JSON of it. */
  static JsonObject portEntry(JsonObject port, boolean created) {
    return new JsonObject().put("id", port.getString("id")).put("created", created)
        .put("mac", port.getString("mac_address")).put("network_id", port.getString("network_id"));
  }

  /** A port of {@link #ports} as the host's network plumbing sees it. */
  static PlumbedPort plumbed(JsonObject entry) {
    return new PlumbedPort(entry.getString("id"), entry.getString("network_id"), entry.getString("mac"), List.of(),
        null);
  }

  JsonArray volumesAttached() {
    JsonArray out = new JsonArray();
    volumes.forEach(v -> out.add(new JsonObject().put("id", v.getString("id"))
        .put("delete_on_termination", v.getBoolean("delete_on_termination", false))));
    return out;
  }
}
