package io.strato.gateway.servers.resize;

import io.strato.common.auth.Token;
import io.strato.common.db.Outbox;
import io.strato.common.db.OutboxRelay;
import io.strato.common.http.ApiException;
import io.strato.common.kafka.Topics;
import io.strato.common.lifecycle.TaskState;
import io.strato.common.lifecycle.VmState;
import io.strato.common.messages.BootRequest;
import io.strato.common.messages.ResizeOrder;
import io.strato.gateway.actions.InstanceActions;
import io.strato.gateway.flavors.Flavor;
import io.strato.gateway.flavors.Flavors;
import io.strato.gateway.quotas.Limits;
import io.strato.gateway.quotas.Quotas;
import io.strato.gateway.servers.Instance;
import io.strato.gateway.servers.Instances;
import io.strato.gateway.servers.action.ActionGuard;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.Set;
import java.util.UUID;

/**
 * Resize, cold migrate, confirm and revert, as Nova's compute API does them: the state checked (409 otherwise), the
 * quota moved ({@link ResizeQuota}), the task state set, the instance action and the migration recorded, and the next
 * step queued in the outbox, all in one transaction. A resize or migration goes to the scheduler
 * ({@link ResizeOrder#SCHEDULE}), a confirm to the source host, a revert to the destination.
 */
public final class ServerResizes {
  private static final Set<VmState> RESIZABLE = Set.of(VmState.ACTIVE, VmState.STOPPED);
  private final Pool pool;
  private final Flavors flavors;
  private final Quotas quotas;
  private final OutboxRelay relay;

  public ServerResizes(Pool pool, Flavors flavors, Quotas quotas, OutboxRelay relay) {
    this.pool = pool;
    this.flavors = flavors;
    this.quotas = quotas;
    this.relay = relay;
  }

  /** A resize to {@code flavorRef}, or a cold migration (same flavor) when it is null. */
  public Future<Void> resize(String id, String flavorRef, Token token, String requestId) {
    String action = flavorRef == null ? "migrate" : "resize";
    Future<Flavor> wanted = flavorRef == null ? Future.succeededFuture(null) : flavors.get(flavorRef)
        .recover(e -> Future.failedFuture(e instanceof ApiException a && a.status() == 404
            ? ApiException.badRequest("Unable to locate requested flavor.") : e));
    return wanted.compose(flavor -> pool.withTransaction(tx -> Instances.get(tx, id, true).compose(i -> {
      checkCanAct(token, i, action, RESIZABLE);
      BootRequest.Flavor old = ResizeOrder.flavorOf(i.flavor());
      BootRequest.Flavor next = flavor == null ? old : toOrder(flavor);
      if (flavor != null) refuseSameOrSmaller(i, old, next);
      ResizeOrder order = new ResizeOrder(ResizeOrder.VERSION, UUID.randomUUID().toString(), ResizeOrder.SCHEDULE,
          UUID.randomUUID().toString(), id, i.projectId(), requestId, null, i.host(), null, i.vmState(), old, next,
          i.availabilityZone(), null, null);
      Future<Void> quota = flavor == null ? Future.succeededFuture() : quotas.limitsFor(i.projectId())
          .compose((Limits l) -> ResizeQuota.take(tx, i.projectId(), l, next.vcpus(), next.ramMb()));
      return quota.compose(v -> InstanceActions.record(tx, id, requestId, action, token.userId(), token.projectId()))
          .compose(v -> Instances.startTask(tx, id, TaskState.RESIZE_PREP))
          .compose(v -> Migrations.insert(tx, order))
          .compose(v -> Outbox.add(tx, Topics.BOOT_REQUESTS, id, order.toJson().encode(), requestId));
    }))).onSuccess(v -> relay.nudge());
  }

  /** Confirm: the source's old domain and disk go, the old flavor's quota is given back; ACTIVE on the new host. */
  public Future<Void> confirm(String id, Token token, String requestId) {
    return pool.withTransaction(tx -> Instances.get(tx, id, true).compose(i -> {
      checkCanAct(token, i, "confirmResize", Set.of(VmState.RESIZED));
      return waiting(tx, i, Migrations.CONFIRMING).compose(order -> {
        ResizeOrder confirm = order.next(ResizeOrder.CONFIRM, order.sourceHost(), i.host()).withRequestId(requestId);
        Future<Void> quota = order.migration() ? Future.succeededFuture()
            : quotas.release(tx, i.projectId(), 0, order.oldFlavor().vcpus(), order.oldFlavor().ramMb());
        return quota.compose(v -> start(tx, i, token, requestId, "confirmResize", TaskState.RESIZE_CONFIRMING, confirm));
      });
    })).onSuccess(v -> relay.nudge());
  }

  /** Revert: the destination's new domain and disk go, the new flavor's quota is given back; ACTIVE where it was. */
  public Future<Void> revert(String id, Token token, String requestId) {
    return pool.withTransaction(tx -> Instances.get(tx, id, true).compose(i -> {
      checkCanAct(token, i, "revertResize", Set.of(VmState.RESIZED));
      return waiting(tx, i, Migrations.REVERTING).compose(order -> {
        ResizeOrder revert = order.next(ResizeOrder.REVERT, i.host(), i.host()).withRequestId(requestId);
        Future<Void> quota = order.migration() ? Future.succeededFuture()
            : quotas.release(tx, i.projectId(), 0, order.newFlavor().vcpus(), order.newFlavor().ramMb());
        return quota.compose(v -> start(tx, i, token, requestId, "revertResize", TaskState.RESIZE_REVERTING, revert));
      });
    })).onSuccess(v -> relay.nudge());
  }

  private static Future<Void> start(SqlConnection tx, Instance i, Token token, String requestId, String action,
      TaskState task, ResizeOrder order) {
    return InstanceActions.record(tx, i.id(), requestId, action, token.userId(), token.projectId())
        .compose(v -> Instances.startTask(tx, i.id(), task))
        .compose(v -> Outbox.add(tx, Topics.ASSIGNMENTS, order.host(), order.toJson().encode(), requestId));
  }

  private static Future<ResizeOrder> waiting(SqlConnection tx, Instance i, String status) {
    return Migrations.takeWaiting(tx, i.id(), status).map(order -> {
      if (order == null) throw ApiException.badRequest("Instance has not been resized.");
      return order;
    });
  }

  /** 404 for another project's server, 409 when locked (but for an admin) or in a state that does not allow it. */
  private static void checkCanAct(Token token, Instance i, String action, Set<VmState> states) {
    ActionGuard.inState(ActionGuard.actable(token, i), action, states);
  }

  /** Nova's CannotResizeToSameFlavor and CannotResizeDisk (a server booted from a volume keeps its disk). */
  private static void refuseSameOrSmaller(Instance i, BootRequest.Flavor old, BootRequest.Flavor next) {
    if (old.id().equals(next.id())) throw ApiException.badRequest("When resizing, instances must change flavor!");
    boolean imageBacked = i.imageId() != null && !i.imageId().isBlank();
    if (imageBacked && next.diskGb() < old.diskGb()) {
      throw ApiException.badRequest("Server disk was unable to be resized because: Resize to a flavor with a smaller"
          + " disk is not allowed.");
    }
  }

  private static BootRequest.Flavor toOrder(Flavor f) {
    return new BootRequest.Flavor(f.id(), f.name(), f.vcpus(), f.ramMb(), f.diskGb(), f.extraSpecs());
  }
}
