package io.strato.agent;

import io.strato.agent.hypervisor.GuestSpec;
import io.strato.common.lifecycle.VmState;
import io.strato.common.messages.InstanceUpdate;
import io.strato.common.messages.InstanceUpdate.Origin;
import io.strato.common.messages.VolumeOrder;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Volume attach and detach on this host ({@code os-volume_attachments}), as Nova's compute manager does them: the
 * compute API reserved the volume (a Cinder attachment); attach gives it this host's connector, plugs the disk into
 * the domain and completes the attachment (the volume in-use); detach unplugs the disk and deletes the attachment
 * (the volume available). The outcome goes to the conductor with the event {@code compute_attach_volume} or
 * {@code compute_detach_volume}. A failure is reverted as Nova reverts it (a failed attach unplugs and gives the
 * volume back; a failed detach leaves it attached), with the event's result Error and a fault; the instance keeps its
 * state.
 *
 * <p>Each step is idempotent from durable state: the attachment's status in the volume service says what is done
 * (a redelivered attach of an attached volume reports it again), and the domain is asked what it holds. An order
 * for an instance the compute API does not show live on this host (deleted, moved) only gives the reservation back.
 */
final class VolumeOrders {
  private static final Logger LOG = LoggerFactory.getLogger(VolumeOrders.class);
  static final String ATTACH_EVENT = "compute_attach_volume";
  static final String DETACH_EVENT = "compute_detach_volume";
  private final AgentHost host;

  VolumeOrders(AgentHost host) {
    this.host = host;
  }

  Future<Void> handle(VolumeOrder order) {
    return VolumeOrder.ATTACH.equals(order.action()) ? attach(order) : detach(order);
  }

  private Future<Void> attach(VolumeOrder order) {
    String project = order.projectId();
    // A compute API or volume service that cannot be asked (after the clients' retries) ends the attach reverted.
    return liveHere(order).compose(live -> {
      if (!live) {
        LOG.info("[{}] instance {} is not live on {}: giving volume {} back", order.requestId(), order.instanceId(),
            host.name, order.volumeId());
        return host.volumes.detach(project, order.attachmentId());
      }
      return host.volumes.attachment(project, order.attachmentId()).compose(att -> {
        if (att == null) return Future.succeededFuture(); // given back already: a failed attach was reported
        if ("attached".equals(att.getString("status"))) return report(order, true, null); // redelivered
        return plug(order).transform(done -> done.succeeded() ? report(order, true, null)
            : revertAttach(order, done.cause()));
      });
    }, e -> revertAttach(order, e));
  }

  /** Connector, disk into the domain, attachment completed; remembered for the instance's delete. */
  private Future<Void> plug(VolumeOrder order) {
    String project = order.projectId();
    return host.volumes.connect(project, order.attachmentId(), host.name).compose(att -> {
      JsonObject data = att.getJsonObject("connection_info", new JsonObject())
          .getJsonObject("data", new JsonObject());
      if (data.getString("device_path") == null) {
        return Future.failedFuture(new IllegalStateException("the volume service gave no device path"));
      }
      GuestSpec.Disk disk = new GuestSpec.Disk(Path.of(data.getString("device_path")),
          data.getString("format", "raw"), target(order), "virtio");
      return host.driver.attachDisk(order.instanceId(), disk);
    }).compose(v -> host.volumes.complete(project, order.attachmentId())).map(v -> {
      InstanceRecord rec = host.records.get(order.instanceId());
      if (rec != null) {
        rec.volumes.add(new JsonObject().put("id", order.volumeId()).put("attachment_id", order.attachmentId())
            .put("created", false).put("delete_on_termination", false));
      }
      return null;
    });
  }

  private Future<Void> revertAttach(VolumeOrder order, Throwable cause) {
    LOG.warn("[{}] attaching volume {} to instance {} failed: {}", order.requestId(), order.volumeId(),
        order.instanceId(), cause.toString());
    return host.driver.detachDisk(order.instanceId(), target(order)).otherwiseEmpty()
        .compose(v -> host.volumes.detach(order.projectId(), order.attachmentId()))
        .recover(e -> {
          LOG.warn("[{}] could not give volume {} back: {}", order.requestId(), order.volumeId(), e.toString());
          return Future.succeededFuture();
        })
        .compose(v -> report(order, false, "Failed to attach volume " + order.volumeId() + ": "
            + cause.getMessage()));
  }

  private Future<Void> detach(VolumeOrder order) {
    Future<Void> unplugged = liveHere(order).compose(live -> {
      if (!live) return Future.failedFuture(new IllegalStateException("the instance is not live on " + host.name));
      return host.driver.detachDisk(order.instanceId(), target(order))
          .compose(v -> attachmentOf(order))
          .compose(id -> id == null ? Future.<Void>succeededFuture() : host.volumes.detach(order.projectId(), id))
          .map(v -> {
            InstanceRecord rec = host.records.get(order.instanceId());
            if (rec != null) rec.volumes.removeIf(x -> order.volumeId().equals(x.getString("id")));
            return (Void) null;
          });
    });
    return unplugged.transform(done -> {
      if (done.succeeded()) return report(order, false, null);
      LOG.warn("[{}] detaching volume {} from instance {} failed: {}", order.requestId(), order.volumeId(),
          order.instanceId(), done.cause().toString());
      return report(order, true, "Failed to detach volume " + order.volumeId() + ": " + done.cause().getMessage());
    });
  }

  /** The order's attachment, or (a volume attached at boot) the one the volume service has for the instance. */
  private Future<String> attachmentOf(VolumeOrder order) {
    if (order.attachmentId() != null) return Future.succeededFuture(order.attachmentId());
    return host.volumes.attachmentsOf(order.projectId(), order.instanceId(), order.volumeId())
        .map(list -> list.isEmpty() ? null : list.get(0).getString("id"));
  }

  /**
   * The instance's delete: every attachment the volume service still has for it is deleted (the volumes become
   * available), also those this process does not remember (attached before a restart). Failures are logged; the
   * delete goes on.
   */
  Future<Void> releaseAll(String projectId, String instanceId) {
    if (!host.volumes.available()) return Future.succeededFuture();
    return host.volumes.attachmentsOf(projectId, instanceId, null).compose(list -> {
      Future<Void> chain = Future.succeededFuture();
      for (JsonObject a : list) chain = chain.compose(v -> host.volumes.detach(projectId, a.getString("id")));
      return chain;
    }).recover(e -> {
      LOG.warn("could not release the volume attachments of instance {}: {}", instanceId, e.toString());
      return Future.succeededFuture();
    });
  }

  /** The fence: the compute API shows the instance on this host, neither in ERROR nor deleted. */
  private Future<Boolean> liveHere(VolumeOrder order) {
    return host.compute.server(order.instanceId()).map(server -> {
      if (server == null) return false;
      VmState vmState = VmState.of(server.getString("OS-EXT-STS:vm_state"));
      return host.name.equals(server.getString("OS-EXT-SRV-ATTR:host")) && vmState != VmState.ERROR
          && vmState != VmState.DELETED;
    });
  }

  private Future<Void> report(VolumeOrder order, boolean attached, String failure) {
    Origin origin = new Origin(host.name, 0, order.requestId());
    String event = VolumeOrder.ATTACH.equals(order.action()) ? ATTACH_EVENT : DETACH_EVENT;
    return host.publisher.send(attached
        ? InstanceUpdate.volumeAttached(origin, order.instanceId(), order.volumeId(), event, failure)
        : InstanceUpdate.volumeRemoved(origin, order.instanceId(), order.volumeId(), event, failure));
  }

  /** {@code /dev/vdb} -> {@code vdb}. */
  private static String target(VolumeOrder order) {
    return order.device().substring(order.device().lastIndexOf('/') + 1);
  }
}
