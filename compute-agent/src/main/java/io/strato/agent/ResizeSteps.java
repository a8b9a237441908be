package io.strato.agent;

import io.strato.common.lifecycle.PowerState;
import io.strato.common.lifecycle.TaskState;
import io.strato.common.lifecycle.VmState;
import io.strato.common.messages.InstanceUpdate;
import io.strato.common.messages.InstanceUpdate.Origin;
import io.strato.common.messages.ResizeOrder;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This host's part of a resize or cold migration ({@link ResizeOrder}), in Nova's steps and task states. On the
 * source, {@code migrate} ({@code resize_migrating}): the domain's definition is saved beside the disk, the domain
 * stopped and undefined, and the instance folder set aside as {@code <id>_resize} (Nova's name), kept until confirm or
 * revert; then the destination's {@code finish} ({@code resize_finish}): the new flavor is claimed in this host's
 * account under the migration id, the disk copied from the source's folder (grown to the new flavor's disk), the
 * domain defined from the saved definition with the new vCPUs and RAM, and the server is {@code VERIFY_RESIZE} on the
 * destination with the new flavor. Confirm removes the source's folder and gives back its claim; revert removes the
 * destination's domain and disk and defines the source's domain again from its saved definition.
 *
 * <p>Every step first reads the instance's task state from the compute API (the durable state): a step whose state
 * has moved on is skipped, so a redelivered order does no harm; each file and libvirt operation is idempotent. A step
 * that fails ends the instance in ERROR with a fault naming it (Nova's behaviour for a failed resize on a host).
 */
final class ResizeSteps {
  private static final Logger LOG = LoggerFactory.getLogger(ResizeSteps.class);
  private static final String SAVED_XML = "domain.xml";
  private static final long WAIT_BACKOFF_MS = 50;
  private final AgentHost host;

  ResizeSteps(AgentHost host) {
    this.host = host;
  }

  Future<Void> handle(ResizeOrder o) {
    return switch (o.step()) {
      case ResizeOrder.MIGRATE -> when(o, Set.of(TaskState.RESIZE_PREP, TaskState.RESIZE_MIGRATING), Set.of(),
          TaskState.RESIZE_MIGRATING, () -> migrate(o));
      case ResizeOrder.FINISH -> when(o, Set.of(TaskState.RESIZE_MIGRATED, TaskState.RESIZE_FINISH),
          Set.of(TaskState.RESIZE_MIGRATING), TaskState.RESIZE_FINISH, () -> finish(o));
      case ResizeOrder.CONFIRM -> when(o, Set.of(TaskState.RESIZE_CONFIRMING), Set.of(), TaskState.RESIZE_CONFIRMING,
          () -> confirm(o));
      case ResizeOrder.CONFIRM_FINISH -> when(o, Set.of(TaskState.RESIZE_CONFIRMING), Set.of(),
          TaskState.RESIZE_CONFIRMING, () -> confirmFinish(o));
      case ResizeOrder.REVERT -> when(o, Set.of(TaskState.RESIZE_REVERTING), Set.of(), TaskState.RESIZE_REVERTING,
          () -> revert(o));
      case ResizeOrder.REVERT_FINISH -> when(o, Set.of(TaskState.RESIZE_REVERTING), Set.of(),
          TaskState.RESIZE_REVERTING, () -> revertFinish(o));
      default -> throw new IllegalArgumentException("the scheduler's step " + o.step() + " reached an agent");
    };
  }

  /**
   * Runs {@code step} if the compute API shows the instance in one of {@code ready}; waits (with a back-off, up to
   * {@code agent.resize.wait.ms}) while it shows one of {@code earlier} (the conductor has not applied the previous
   * step's update yet); skips it otherwise (done already, or the instance moved on or is gone). A step that fails
   * ends the instance in ERROR from {@code failFrom}.
   */
  private Future<Void> when(ResizeOrder o, Set<TaskState> ready, Set<TaskState> earlier, TaskState failFrom,
      Supplier<Future<Void>> step) {
    long deadline = System.currentTimeMillis() + host.settings().getLong("agent.resize.wait.ms");
    return stateOf(o, ready, earlier, deadline, WAIT_BACKOFF_MS).compose(go -> {
      if (!go) {
        LOG.info("[{}] skipping the {} step of migration {} of instance {} on {}: the instance has moved on",
            o.requestId(), o.step(), o.migrationId(), o.instanceId(), host.name);
        return Future.succeededFuture();
      }
      // A step that throws fails like one whose future fails: the instance ends with a fault, never stuck.
      return Future.<Void>succeededFuture().compose(v -> step.get()).recover(e -> failed(o, failFrom, e));
    });
  }

  private Future<Boolean> stateOf(ResizeOrder o, Set<TaskState> ready, Set<TaskState> earlier, long deadline,
      long backoffMs) {
    return host.compute.server(o.instanceId()).compose(server -> {
      if (server == null) return Future.succeededFuture(false);
      TaskState task = TaskState.of(server.getString("OS-EXT-STS:task_state"));
      if (ready.contains(task)) return Future.succeededFuture(true);
      if (!earlier.contains(task)) return Future.succeededFuture(false);
      if (System.currentTimeMillis() > deadline) {
        return Future.failedFuture(new IllegalStateException("the previous step of the migration was never recorded"
            + " (still " + task + ")"));
      }
      Promise<Boolean> later = Promise.promise();
      host.vertx().setTimer(backoffMs, t -> stateOf(o, ready, earlier, deadline, Math.min(1000, backoffMs * 2))
          .onComplete(later));
      return later.future();
    });
  }

  /** Source: save the definition, stop and undefine the domain, set the folder aside; then the destination's turn. */
  private Future<Void> migrate(ResizeOrder o) {
    Path dir = host.instanceDir(o.instanceId());
    Path saved = savedDir(dir);
    var fs = host.vertx().fileSystem();
    return send(o, TaskState.RESIZE_PREP, o.vmState(), TaskState.RESIZE_MIGRATING,
            "compute_resize_instance", null, null)
        .compose(v -> fs.exists(saved.resolve(SAVED_XML).toString()))
        .compose(done -> done ? Future.succeededFuture() : host.driver.domainXml(o.instanceId()).compose(xml -> {
              if (xml != null) {
                return fs.mkdirs(dir.toString()).compose(x -> fs.writeFile(dir.resolve(SAVED_XML).toString(),
                    io.vertx.core.buffer.Buffer.buffer(xml)));
              }
              // Undefined already by an earlier try of this step, which saved the definition first.
              return fs.exists(dir.resolve(SAVED_XML).toString()).compose(kept -> kept ? Future.succeededFuture()
                  : Future.failedFuture(new IllegalStateException("the instance has no domain on " + host.name)));
            })
            .compose(x -> host.driver.destroy(o.instanceId()))
            .compose(x -> fs.move(dir.toString(), saved.toString())))
        .compose(v -> send(o, TaskState.RESIZE_MIGRATING, o.vmState(), TaskState.RESIZE_MIGRATED,
            "compute_resize_instance", true, null))
        .compose(v -> host.publisher.order(o.destHost(), o.next(ResizeOrder.FINISH, o.destHost(), o.destHost(),
            saved.toString()).toJson(), o.requestId()));
  }

  /** Destination: claim, copy the disk, define the domain with the new flavor; the server is VERIFY_RESIZE. */
  private Future<Void> finish(ResizeOrder o) {
    var f = o.newFlavor();
    var usage = new ResourceTracker.Usage(f.vcpus(), f.ramMb(), f.diskGb());
    Path from = Path.of(o.sourceDir());
    Path dir = host.instanceDir(o.instanceId());
    boolean start = o.vmState() == VmState.ACTIVE;
    return send(o, TaskState.RESIZE_MIGRATED, o.vmState(), TaskState.RESIZE_FINISH, "compute_finish_resize", null,
            null)
        .compose(v -> {
          if (!host.tracker.tryClaim(o.migrationId(), usage)) {
            return Future.failedFuture(new IllegalStateException("the new flavor does not fit on " + host.name));
          }
          host.changed();
          return host.driver.domainXml(o.instanceId());
        })
        .compose(existing -> existing != null && host.name.equals(io.strato.agent.hypervisor.DomainXml.hostOf(existing))
            ? Future.succeededFuture() // defined here already: a redelivered step
            : host.vertx().fileSystem().readFile(from.resolve(SAVED_XML).toString()).compose(xml -> ResizedDisk.copy(
                host.vertx(), from.resolve("disk"), dir.resolve("disk"), f.diskGb(),
                host.settings().getLong("agent.resize.wait.ms"))
                .compose(x -> host.vertx().fileSystem().mkdirs(dir.toString()))
                .compose(x -> host.vertx().fileSystem().writeFile(marker(dir, o).toString(),
                    io.vertx.core.buffer.Buffer.buffer(o.sourceDir())))
                .compose(x -> host.driver.define(ResizedDomain.of(xml.toString(), originalDir(from), dir, host.name,
                    f.vcpus(), f.ramMb()), start))))
        .compose(v -> send(o, TaskState.RESIZE_FINISH, VmState.RESIZED, null, "compute_finish_resize", true,
            new JsonObject().put("host", host.name).put("flavor", ResizeOrder.snapshot(f))
                .put("power_state", (start ? PowerState.RUNNING : PowerState.SHUTDOWN).code())))
        .onFailure(e -> {
          host.tracker.release(o.migrationId());
          host.changed();
        });
  }

  /** Source: the old disk and definition go, and so does the old flavor's claim; then the destination's turn. */
  private Future<Void> confirm(ResizeOrder o) {
    Path saved = savedDir(host.instanceDir(o.instanceId()));
    boolean sameHost = o.sourceHost().equals(o.destHost());
    return host.vertx().fileSystem().deleteRecursive(saved.toString()).recover(e -> Future.succeededFuture())
        .compose(v -> {
          if (sameHost) return confirmFinish(o);
          host.records.remove(o.instanceId());
          host.tracker.release(o.instanceId());
          host.changed();
          return host.publisher.order(o.destHost(), o.next(ResizeOrder.CONFIRM_FINISH, o.destHost(), o.destHost())
              .toJson(), o.requestId());
        });
  }

  /** Destination: the new flavor's claim becomes the instance's own; the server is ACTIVE (or SHUTOFF) here. */
  private Future<Void> confirmFinish(ResizeOrder o) {
    var f = o.newFlavor();
    host.tracker.release(o.migrationId());
    host.tracker.adopt(o.instanceId(), new ResourceTracker.Usage(f.vcpus(), f.ramMb(), f.diskGb()));
    host.changed();
    return send(o, TaskState.RESIZE_CONFIRMING, o.vmState(), null, "compute_confirm_resize", true, null);
  }

  /** Destination: its domain, disk and claim go; then the source defines the old domain again. */
  private Future<Void> revert(ResizeOrder o) {
    var fs = host.vertx().fileSystem();
    Path dir = host.instanceDir(o.instanceId());
    // Only a folder this migration made is removed: once the source has taken its folder back (same host, or a
    // shared state folder), what is at <id> is the source's again and has no marker.
    return fs.exists(marker(dir, o).toString()).compose(pending -> !pending ? Future.succeededFuture()
            : host.driver.destroy(o.instanceId())
                .compose(v -> fs.deleteRecursive(dir.toString()).recover(e -> Future.succeededFuture())))
        .compose(v -> {
          host.tracker.release(o.migrationId());
          host.changed();
          return send(o, TaskState.RESIZE_REVERTING, VmState.RESIZED, TaskState.RESIZE_REVERTING,
              "compute_revert_resize", true, null);
        })
        .compose(v -> host.publisher.order(o.sourceHost(), o.next(ResizeOrder.REVERT_FINISH, o.sourceHost(),
            o.destHost()).toJson(), o.requestId()));
  }

  /** Source: the folder back in place and the domain defined again with the old flavor. */
  private Future<Void> revertFinish(ResizeOrder o) {
    var fs = host.vertx().fileSystem();
    Path dir = host.instanceDir(o.instanceId());
    Path saved = savedDir(dir);
    boolean start = o.vmState() == VmState.ACTIVE;
    return fs.exists(saved.toString())
        .compose(kept -> kept ? fs.deleteRecursive(dir.toString()).recover(e -> Future.succeededFuture())
            .compose(v -> fs.move(saved.toString(), dir.toString())) : Future.succeededFuture())
        .compose(v -> fs.readFile(dir.resolve(SAVED_XML).toString()))
        .compose(xml -> host.driver.define(xml.toString(), start))
        .compose(v -> fs.delete(dir.resolve(SAVED_XML).toString()).recover(e -> Future.succeededFuture()))
        .compose(v -> send(o, TaskState.RESIZE_REVERTING, o.vmState(), null, "compute_finish_revert_resize", true,
            new JsonObject().put("host", host.name).put("flavor", ResizeOrder.snapshot(o.oldFlavor()))
                .put("power_state", (start ? PowerState.RUNNING : PowerState.SHUTDOWN).code())));
  }

  /** A step failed: the instance goes to ERROR with a fault; the new flavor's quota is given back before confirm. */
  private Future<Void> failed(ResizeOrder o, TaskState from, Throwable e) {
    LOG.warn("[{}] the {} step of migration {} of instance {} failed on {}: {}", o.requestId(), o.step(),
        o.migrationId(), o.instanceId(), host.name, e.toString());
    JsonObject changes = new JsonObject();
    boolean beforeVerify = o.step().equals(ResizeOrder.MIGRATE) || o.step().equals(ResizeOrder.FINISH);
    if (beforeVerify && !o.migration()) {
      changes.put("quota_release", new JsonObject().put("cores", o.newFlavor().vcpus())
          .put("ram", o.newFlavor().ramMb()));
    }
    String event = switch (o.step()) {
      case ResizeOrder.MIGRATE -> "compute_resize_instance";
      case ResizeOrder.FINISH -> "compute_finish_resize";
      case ResizeOrder.CONFIRM, ResizeOrder.CONFIRM_FINISH -> "compute_confirm_resize";
      default -> "compute_revert_resize";
    };
    return send(o, from, VmState.ERROR, null, event, false, changes,
        "Failed to " + (o.migration() ? "migrate" : "resize") + " instance: " + e.getMessage());
  }

  private Future<Void> send(ResizeOrder o, TaskState from, VmState to, TaskState task, String event,
      Boolean succeeded, JsonObject changes) {
    return send(o, from, to, task, event, succeeded, changes, null);
  }

  /**
   * An update of the migration's instance. Not fenced by host (the destination speaks for an instance still recorded
   * on the source): the compare-and-set on the task state is the fence. It names the migration, so the scheduler
   * lets go of the migration's claim once the resize ends.
   */
  private Future<Void> send(ResizeOrder o, TaskState from, VmState to, TaskState task, String event,
      Boolean succeeded, JsonObject changes, String fault) {
    JsonObject c = (changes == null ? new JsonObject() : changes.copy()).put("migration_id", o.migrationId());
    return host.publisher.send(InstanceUpdate.resizeStep(Origin.unplaced(o.requestId()), o.instanceId(), from, to,
        task, event, succeeded, c, fault));
  }

  /** The file that says the instance folder on this host is the destination's copy made by this migration. */
  private static Path marker(Path instanceDir, ResizeOrder o) {
    return instanceDir.resolve("resize-" + o.migrationId());
  }

  /** Nova's name for the folder a resize sets aside on the source until confirm or revert. */
  private static Path savedDir(Path instanceDir) {
    return instanceDir.resolveSibling(instanceDir.getFileName() + "_resize");
  }

  private static Path originalDir(Path saved) {
    String name = saved.getFileName().toString();
    return saved.resolveSibling(name.substring(0, name.length() - "_resize".length()));
  }
}
