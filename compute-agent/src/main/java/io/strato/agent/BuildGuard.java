package io.strato.agent;

import io.strato.common.lifecycle.TaskState;
import io.strato.common.lifecycle.VmState;
import io.vertx.core.json.JsonObject;

/**
 * Whether an assignment may start a build, decided from the instance as the compute API records it (the durable
 * state), before any side effect. An assignment can arrive again after the agent restarted (its offset was not
 * committed), or late, after the instance was deleted or placed elsewhere: building it again would rewrite a running
 * instance's disk, plug a second port or take a volume from a finished build.
 */
record BuildGuard(Verdict verdict, String reason, boolean declines) {

  enum Verdict {
    /** The instance waits for this build: go. */
    BUILD,
    /** Nothing to do: the instance is gone, finished, being deleted or on another host. */
    SKIP,
    /** A build of this instance began here before the agent restarted: undo what it made and build it again. */
    INTERRUPTED
  }

  BuildGuard(Verdict verdict, String reason) {
    this(verdict, reason, false);
  }

  /**
   * A skip that concerns an instance this host never took (gone, placed elsewhere, ended before any host took it):
   * the scheduler's claim on this host is to be given back.
   */
  private static BuildGuard decline(String reason) {
    return new BuildGuard(Verdict.SKIP, reason, true);
  }

  /** {@code server} is the compute API's view of the instance (null when it does not know it any more). */
  static BuildGuard of(JsonObject server, String thisHost) {
    if (server == null) return decline("the instance no longer exists");
    VmState vmState = VmState.of(server.getString("OS-EXT-STS:vm_state"));
    TaskState task = TaskState.of(server.getString("OS-EXT-STS:task_state"));
    String host = server.getString("OS-EXT-SRV-ATTR:host");
    boolean ours = thisHost.equals(host);
    if (vmState != VmState.BUILDING) {
      String reason = "the instance is already " + vmState;
      return ours ? new BuildGuard(Verdict.SKIP, reason) : decline(reason);
    }
    if (task == TaskState.DELETING) {
      return ours ? new BuildGuard(Verdict.SKIP, "the instance is being deleted")
          : decline("the instance is being deleted");
    }
    if (host != null && !host.isEmpty() && !ours) return decline("the instance is being built on " + host);
    if (task == null || task == TaskState.SCHEDULING) return new BuildGuard(Verdict.BUILD, null);
    return new BuildGuard(Verdict.INTERRUPTED, "its build was interrupted while " + task + " (the agent restarted)");
  }
}
