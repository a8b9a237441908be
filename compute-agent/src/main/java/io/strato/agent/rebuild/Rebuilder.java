package io.strato.agent.rebuild;

import io.strato.agent.DiskImages;
import io.strato.agent.ImageCache;
import io.strato.agent.Publisher;
import io.strato.agent.clients.ComputeClient;
import io.strato.agent.hypervisor.HypervisorDriver;
import io.strato.common.lifecycle.PowerState;
import io.strato.common.lifecycle.TaskState;
import io.strato.common.lifecycle.VmState;
import io.strato.common.messages.InstanceUpdate;
import io.strato.common.messages.InstanceUpdate.Origin;
import io.strato.common.messages.RebuildOrder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a server on this host ({@link RebuildOrder}) in Nova's task states: {@code rebuilding} (the order
 * arrived), {@code rebuild_block_device_mapping} (the guest is powered off; its volumes stay attached),
 * {@code rebuild_spawning} (the image fetched into the cache and inspected, a new root overlay of it written beside the
 * old one and moved over it, the guest started again), then ACTIVE, or SHUTOFF for a server that was stopped (as Nova
 * brings a stopped server back to its state). The domain keeps its definition: the same NICs, so the same ports and
 * addresses, and the same volumes. The instance action's event is {@code compute_rebuild_instance}; a rebuild that
 * fails ends in ERROR with a fault, as in Nova.
 *
 * <p>NOTE: the domain is not redefined, so a new image that boots with another {@code kernel_id}/{@code ramdisk_id}
 * than the server's first image keeps the first kernel. {@code preserve_ephemeral} is accepted: the flavors here have
 * no ephemeral disk to keep.
 *
 * <p>Idempotent from durable state: the order runs only while the compute API shows the server on this host in a
 * rebuild task state; a redelivered order does the steps again (powering off what is off, writing the same overlay)
 * and ends the same way.
 */
public final class Rebuilder {
  static final String EVENT = "compute_rebuild_instance";
  private static final Logger LOG = LoggerFactory.getLogger(Rebuilder.class);
  private final Vertx vertx;
  private final String host;
  private final HypervisorDriver driver;
  private final ComputeClient compute;
  private final ImageCache cache;
  private final Publisher publisher;
  private final Function<String, Path> instanceDir;

  public Rebuilder(Vertx vertx, String host, HypervisorDriver driver, ComputeClient compute, ImageCache cache,
      Publisher publisher, Function<String, Path> instanceDir) {
    this.vertx = vertx;
    this.host = host;
    this.driver = driver;
    this.compute = compute;
    this.cache = cache;
    this.publisher = publisher;
    this.instanceDir = instanceDir;
  }

  /** One rebuild: the order, the vm_state it started from, the task it is at now. */
  private static final class Run {
    final RebuildOrder order;
    final VmState vmState;
    TaskState task;

    Run(RebuildOrder order, VmState vmState, TaskState task) {
      this.order = order;
      this.vmState = vmState;
      this.task = task;
    }
  }

  public Future<Void> handle(RebuildOrder order) {
    return compute.server(order.instanceId()).compose(server -> {
      TaskState task = server == null ? null : TaskState.of(server.getString("OS-EXT-STS:task_state"));
      if (server == null || !host.equals(server.getString("OS-EXT-SRV-ATTR:host")) || task == null
          || !task.isRebuildStep()) {
        LOG.info("[{}] no rebuild of instance {} on {} to do (task {})", order.requestId(), order.instanceId(), host,
            task);
        return Future.succeededFuture();
      }
      return rebuild(new Run(order, VmState.of(server.getString("OS-EXT-STS:vm_state")), task));
    });
  }

  private Future<Void> rebuild(Run run) {
    String id = run.order.instanceId();
    Path disk = instanceDir.apply(id).resolve("disk");
    Path next = instanceDir.apply(id).resolve("disk.rebuild");
    return move(run, TaskState.REBUILD_BLOCK_DEVICE_MAPPING, EVENT)
        .compose(v -> driver.powerOff(id))
        .compose(v -> move(run, TaskState.REBUILD_SPAWNING, null))
        .compose(v -> cache.fetch(run.order.projectId(), run.order.imageId()))
        .compose(base -> DiskImages.overlay(vertx, base, next, run.order.rootGb()))
        .compose(written -> vertx.executeBlocking(() -> java.nio.file.Files.move(next, disk,
            StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING), false))
        .compose(v -> run.vmState == VmState.STOPPED ? Future.succeededFuture() : driver.powerOn(id))
        .compose(v -> driver.powerState(id))
        .compose(power -> {
          VmState to = run.vmState == VmState.STOPPED ? VmState.STOPPED : VmState.ACTIVE;
          LOG.info("[{}] instance {} rebuilt from image {} on {}", run.order.requestId(), id, run.order.imageId(),
              host);
          return publisher.send(InstanceUpdate.actionEnded(origin(run), id, run.task, to, PowerState.of(power),
              EVENT));
        })
        .recover(e -> {
          LOG.warn("[{}] rebuild of instance {} failed while {}: {}", run.order.requestId(), id, run.task,
              e.toString());
          return vertx.fileSystem().delete(next.toString()).recover(x -> Future.succeededFuture())
              .compose(v -> publisher.send(InstanceUpdate.actionFailed(origin(run), id, run.task, EVENT,
                  "Rebuild of instance " + id + " failed while " + run.task + ": " + e.getMessage())));
        });
  }

  private Future<Void> move(Run run, TaskState to, String event) {
    // The rebuild task states are declared in their order: a redelivered order already past `to` sends nothing.
    if (run.task.ordinal() >= to.ordinal()) return Future.succeededFuture();
    TaskState from = run.task;
    run.task = to;
    return publisher.send(InstanceUpdate.taskMoved(origin(run), run.order.instanceId(), run.vmState, from, to, event));
  }

  private Origin origin(Run run) {
    return new Origin(host, 0, run.order.requestId());
  }
}
