package io.strato.agent;

import io.strato.common.lifecycle.PowerState;
import io.strato.common.lifecycle.TaskState;
import io.strato.common.lifecycle.VmState;
import io.strato.common.messages.InstanceUpdate;
import io.strato.common.messages.InstanceUpdate.Origin;
import io.strato.common.messages.ServerAction;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delete, reboot, stop, start, pause, unpause, suspend and resume of an instance on this host. The compute API set the task state; the agent does
 * the work and reports the outcome as a compare-and-set from that task state. Delete works whatever the agent
 * remembers (after a restart it finds the ports by device id), and is idempotent.
 */
final class ServerActions {
  private static final Logger LOG = LoggerFactory.getLogger(ServerActions.class);
  private final AgentHost host;

  ServerActions(AgentHost host) {
    this.host = host;
  }

  Future<Void> handle(ServerAction order) {
    return switch (order.action()) {
      case "delete" -> delete(order);
      case ServerAction.ABORT_BUILD -> abort(order);
      case "reboot-soft" -> power(order, TaskState.REBOOTING, host.driver.reboot(order.instanceId(), false),
          VmState.ACTIVE, PowerState.RUNNING);
      case "reboot-hard" -> power(order, TaskState.REBOOTING_HARD, host.driver.reboot(order.instanceId(), true),
          VmState.ACTIVE, PowerState.RUNNING);
      case "stop" -> power(order, TaskState.POWERING_OFF, host.driver.powerOff(order.instanceId()), VmState.STOPPED,
          PowerState.SHUTDOWN);
      case "start" -> power(order, TaskState.POWERING_ON, host.driver.powerOn(order.instanceId()), VmState.ACTIVE,
          PowerState.RUNNING);
      case "pause" -> power(order, TaskState.PAUSING, host.driver.pause(order.instanceId()), VmState.PAUSED,
          PowerState.PAUSED);
      case "unpause" -> power(order, TaskState.UNPAUSING, host.driver.unpause(order.instanceId()), VmState.ACTIVE,
          PowerState.RUNNING);
      case "suspend" -> power(order, TaskState.SUSPENDING, host.driver.suspend(order.instanceId()),
          VmState.SUSPENDED, PowerState.SUSPENDED);
      case "resume" -> power(order, TaskState.RESUMING, host.driver.resume(order.instanceId()), VmState.ACTIVE,
          PowerState.RUNNING);
      default -> Future.succeededFuture();
    };
  }

  private Future<Void> delete(ServerAction order) {
    String id = order.instanceId();
    InstanceRecord rec = host.records.get(id);
    int attempt = rec == null ? 0 : rec.attempt;
    Future<Void> cleaned = (rec != null ? host.cleanup(rec, false) : forgotten(order))
        .compose(v -> host.volumeOrders.releaseAll(order.projectId(), id));
    return cleaned.compose(v -> {
      host.records.remove(id);
      host.tracker.release(id);
      host.changed();
      return host.publisher.send(InstanceUpdate.deleted(new Origin(host.name, attempt, order.requestId()), id));
    });
  }

  /**
   * The conductor ended this instance's build in ERROR (timed out, a message about it dead-lettered) or found the
   * instance gone while this host still built it: what the build made goes (domain, disk, ports and the volumes it
   * created), so no domain outlives the build. Orders of one instance run one after the other, so the build no longer
   * runs here. Fenced by the durable record: an instance the compute API still shows live on this host (a stale
   * order) is left alone. After a restart the leftovers are found as for a delete.
   */
  private Future<Void> abort(ServerAction order) {
    String id = order.instanceId();
    // NOTE: the conductor decided on the durable record; a compute API that cannot be asked does not keep a leak.
    return host.compute.server(id).map(server -> server == null || !liveHere(server)).otherwise(true)
        .compose(over -> {
          if (!over) {
            LOG.info("[{}] not aborting the build of instance {} on {}: the instance is live here", order.requestId(),
                id, host.name);
            return Future.succeededFuture();
          }
          InstanceRecord rec = host.records.get(id);
          LOG.warn("[{}] the build of instance {} on {} is over (ERROR or deleted): removing what it made",
              order.requestId(), id, host.name);
          return (rec != null ? host.cleanup(rec, true) : forgotten(order)).map(v -> {
            if (rec != null && host.records.remove(id, rec)) {
              host.tracker.release(id);
              host.changed();
            }
            return null;
          });
        });
  }

  /** The compute API records the instance on this host and neither in ERROR nor deleted. */
  private boolean liveHere(JsonObject server) {
    VmState vmState = VmState.of(server.getString("OS-EXT-STS:vm_state"));
    return host.name.equals(server.getString("OS-EXT-SRV-ATTR:host")) && vmState != VmState.ERROR
        && vmState != VmState.DELETED;
  }

  /** An instance this process did not build (it restarted since): find what is left of it and remove it. */
  private Future<Void> forgotten(ServerAction order) {
    String id = order.instanceId();
    InstanceRecord rec = new InstanceRecord(id, order.projectId(), null);
    rec.domainDefined = true; // not known: look
    if (!host.network.available()) return host.cleanup(rec, false);
    return host.network.portsOf(rec.projectId, id).compose(ports -> {
      ports.forEach(p -> rec.ports.add(new JsonObject().put("id", p.getString("id")).put("created", true)));
      return host.cleanup(rec, false);
    }).recover(e -> host.cleanup(rec, false));
  }

  private Future<Void> power(ServerAction order, TaskState task, Future<Void> work, VmState to, PowerState power) {
    Origin origin = new Origin(host.name, 0, order.requestId());
    // Nova's instance-action event of the action: compute_reboot_instance, compute_pause_instance, ...
    String event = "compute_" + order.action().replaceFirst("-(soft|hard)$", "") + "_instance";
    return work.compose(v -> host.publisher.send(InstanceUpdate.actionEnded(origin, order.instanceId(), task, to,
            power, event)))
        .recover(e -> {
          LOG.warn("[{}] {} of instance {} failed: {}", order.requestId(), order.action(), order.instanceId(),
              e.toString());
          return host.publisher.send(InstanceUpdate.actionFailed(origin, order.instanceId(), task, event,
              "Failed to " + order.action() + " instance: " + e.getMessage()));
        });
  }
}
