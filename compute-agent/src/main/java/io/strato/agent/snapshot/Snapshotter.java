package io.strato.agent.snapshot;

import io.strato.agent.Publisher;
import io.strato.agent.clients.ComputeClient;
import io.strato.agent.clients.ImageClient;
import io.strato.agent.hypervisor.HypervisorDriver;
import io.strato.common.disk.DiskConverter;
import io.strato.common.lifecycle.PowerState;
import io.strato.common.lifecycle.TaskState;
import io.strato.common.lifecycle.VmState;
import io.strato.common.messages.InstanceUpdate;
import io.strato.common.messages.InstanceUpdate.Origin;
import io.strato.common.messages.SnapshotOrder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a server snapshot on this host ({@link SnapshotOrder}), in Nova's steps and task states:
 * {@code image_snapshot} (the guest's memory saved to disk, libvirt's managed save, so the disk is consistent and no
 * QEMU holds it), {@code image_pending_upload} (the root overlay and its base flattened into one qcow2 by
 * {@link DiskConverter}; the guest is then restored as it was), {@code image_uploading} (the file streamed to the
 * queued image, as the image's project), then no task: the server is as before and the image {@code active}, its
 * size and checksum computed by the image service. The instance action's event is {@code compute_snapshot_instance}.
 *
 * <p>A failure deletes the image and puts the server back as it was, the event in error (Nova: a failed snapshot does
 * not put the server in ERROR); only a guest that cannot be restored ends in ERROR.
 *
 * <p>Idempotent from durable state: the order runs only while the compute API shows the server on this host in a
 * snapshot task state and the image is still {@code queued}. A redelivered order whose image is already
 * {@code active} only ends the task; one whose image is gone or broken ends it in error.
 */
public final class Snapshotter {
  static final String EVENT = "compute_snapshot_instance";
  private static final Logger LOG = LoggerFactory.getLogger(Snapshotter.class);
  private final Vertx vertx;
  private final String host;
  private final HypervisorDriver driver;
  private final ComputeClient compute;
  private final ImageClient images;
  private final Publisher publisher;
  private final DiskConverter converter;
  private final Function<String, Path> instanceDir;
  private final Path workDir;

  public Snapshotter(Vertx vertx, String host, HypervisorDriver driver, ComputeClient compute, ImageClient images,
      Publisher publisher, DiskConverter converter, Function<String, Path> instanceDir, Path workDir) {
    this.vertx = vertx;
    this.host = host;
    this.driver = driver;
    this.compute = compute;
    this.images = images;
    this.publisher = publisher;
    this.converter = converter;
    this.instanceDir = instanceDir;
    this.workDir = workDir;
  }

  public Future<Void> handle(SnapshotOrder order) {
    return compute.server(order.instanceId()).compose(server -> {
      if (server == null) {
        LOG.info("[{}] instance {} is gone: dropping its snapshot image {}", order.requestId(), order.instanceId(),
            order.imageId());
        return images.delete(order.imageProjectId(), order.imageId()).recover(e -> Future.succeededFuture());
      }
      TaskState task = TaskState.of(server.getString("OS-EXT-STS:task_state"));
      if (!host.equals(server.getString("OS-EXT-SRV-ATTR:host")) || task == null || !task.isSnapshotStep()) {
        LOG.info("[{}] no snapshot of instance {} on {} to take (task {}, host {})", order.requestId(),
            order.instanceId(), host, task, server.getString("OS-EXT-SRV-ATTR:host"));
        return Future.succeededFuture();
      }
      Run run = new Run(order, VmState.of(server.getString("OS-EXT-STS:vm_state")), task);
      return images.status(order.imageProjectId(), order.imageId()).compose(status -> switch (status == null
          ? "gone" : status) {
        case "queued" -> take(run);
        case "active" -> ended(run); // uploaded before a restart: only the task's end was lost
        default -> reverted(run, "image " + order.imageId() + " is " + (status == null ? "gone" : status));
      });
    });
  }

  /** One snapshot: the order, the server's vm_state (kept), the task it is at now, what was done to the guest. */
  private static final class Run {
    final SnapshotOrder order;
    final VmState vmState;
    TaskState task;
    int powerBefore = PowerState.NOSTATE.code();
    boolean saved;

    Run(SnapshotOrder order, VmState vmState, TaskState task) {
      this.order = order;
      this.vmState = vmState;
      this.task = task;
    }

    Origin origin(String host) {
      return new Origin(host, 0, order.requestId());
    }
  }

  private Future<Void> take(Run run) {
    String id = run.order.instanceId();
    Path file = workDir.resolve(run.order.imageId() + ".qcow2");
    return move(run, TaskState.IMAGE_SNAPSHOT, EVENT)
        .compose(v -> driver.powerState(id))
        .compose(power -> {
          run.powerBefore = power;
          if (power != PowerState.RUNNING.code() && power != PowerState.PAUSED.code()) return Future.succeededFuture();
          run.saved = true;
          return driver.suspend(id);
        })
        .compose(v -> move(run, TaskState.IMAGE_PENDING_UPLOAD, null))
        .compose(v -> converter.toQcow2(instanceDir.apply(id).resolve("disk"), "qcow2", file))
        .compose(v -> restore(run))
        .compose(v -> move(run, TaskState.IMAGE_UPLOADING, null))
        .compose(v -> images.upload(run.order.imageProjectId(), run.order.imageId(), file))
        .compose(v -> images.status(run.order.imageProjectId(), run.order.imageId()))
        .compose(status -> "active".equals(status) ? ended(run)
            : Future.failedFuture(new IllegalStateException("the uploaded image is " + status)))
        .recover(e -> failed(run, e))
        .eventually(() -> vertx.fileSystem().delete(file.toString()).recover(e -> Future.succeededFuture()));
  }

  /** Brings the guest back as it was before its memory was saved: running, or paused. */
  private Future<Void> restore(Run run) {
    if (!run.saved) return Future.succeededFuture();
    String id = run.order.instanceId();
    return driver.resume(id).compose(v -> {
      run.saved = false;
      return run.powerBefore == PowerState.PAUSED.code() ? driver.pause(id) : Future.succeededFuture();
    });
  }

  private Future<Void> move(Run run, TaskState to, String event) {
    // The snapshot task states are declared in their order: a redelivered order already past `to` sends nothing.
    if (run.task.ordinal() >= to.ordinal()) return Future.succeededFuture();
    TaskState from = run.task;
    run.task = to;
    return publisher.send(InstanceUpdate.taskMoved(run.origin(host), run.order.instanceId(), run.vmState, from, to,
        event));
  }

  private Future<Void> ended(Run run) {
    String id = run.order.instanceId();
    LOG.info("[{}] snapshot of instance {} is image {}", run.order.requestId(), id, run.order.imageId());
    return driver.powerState(id).compose(power -> publisher.send(InstanceUpdate.actionEnded(run.origin(host), id,
        run.task, run.vmState, PowerState.of(power), EVENT)));
  }

  private Future<Void> failed(Run run, Throwable e) {
    LOG.warn("[{}] snapshot of instance {} failed while {}: {}", run.order.requestId(), run.order.instanceId(),
        run.task, e.toString());
    Future<Void> dropped = images.delete(run.order.imageProjectId(), run.order.imageId())
        .recover(x -> Future.succeededFuture());
    return dropped.compose(v -> restore(run)).compose(
        v -> reverted(run, e.getMessage()),
        x -> publisher.send(InstanceUpdate.actionFailed(run.origin(host), run.order.instanceId(), run.task, EVENT,
            "Snapshot of instance " + run.order.instanceId() + " failed and its guest could not be restored: "
                + x.getMessage())));
  }

  private Future<Void> reverted(Run run, String reason) {
    return publisher.send(InstanceUpdate.taskReverted(run.origin(host), run.order.instanceId(), run.task,
        run.vmState, EVENT, "Snapshot of instance " + run.order.instanceId() + " failed: " + reason));
  }
}
