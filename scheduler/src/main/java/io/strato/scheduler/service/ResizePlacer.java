package io.strato.scheduler.service;

import io.strato.common.kafka.Topics;
import io.strato.common.lifecycle.TaskState;
import io.strato.common.messages.InstanceUpdate;
import io.strato.common.messages.ResizeOrder;
import io.strato.scheduler.ScheduleResult;
import io.strato.scheduler.Scheduler;
import io.strato.scheduler.request.Flavor;
import io.strato.scheduler.request.RequestSpec;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Places the new flavor of a resize or cold migration ({@link ResizeOrder#SCHEDULE}): the same filters and weighers as
 * a boot, the source host left out unless {@code scheduler.allow.resize.to.same.host} (Nova's
 * {@code allow_resize_to_same_host}). The claim is made under the migration id, so the source keeps the old flavor's
 * claim and the destination holds the new one until confirm or revert; a redelivered order finds its placement in the
 * ledger and claims nothing twice. Placed: the source host gets {@link ResizeOrder#MIGRATE}. No host with room: the
 * server goes back to the state it had (Nova does not put it in ERROR for a NoValidHost on resize), with a fault and
 * the {@code cold_migrate} event in error, and the cores and RAM counted for the new flavor are given back.
 */
final class ResizePlacer {
  private static final Logger LOG = LoggerFactory.getLogger(ResizePlacer.class);
  /** Nova's conductor event of a resize or cold migration; it fails with NoValidHost. */
  static final String EVENT = "cold_migrate";
  private final Scheduler scheduler;
  private final boolean allowSameHost;
  private final AssignmentPublisher publisher;

  ResizePlacer(Scheduler scheduler, boolean allowSameHost, AssignmentPublisher publisher) {
    this.scheduler = scheduler;
    this.allowSameHost = allowSameHost;
    this.publisher = publisher;
  }

  Future<Void> place(ResizeOrder order) {
    var f = order.newFlavor();
    RequestSpec spec = new RequestSpec(order.migrationId(), List.of(order.migrationId()),
        new Flavor(f.id(), f.vcpus(), f.ramMb(), f.diskGb(), f.extraSpecs()), null, order.availabilityZone(), null,
        null, allowSameHost ? Set.of() : Set.of(order.sourceHost()));
    ScheduleResult result = scheduler.schedule(spec);
    if (result instanceof ScheduleResult.Scheduled scheduled) {
      String dest = scheduled.placements().get(0).host();
      LOG.info("[{}] {} of instance {}: {} -> {}", order.requestId(), order.migration() ? "migration" : "resize",
          order.instanceId(), order.sourceHost(), dest);
      ResizeOrder migrate = order.next(ResizeOrder.MIGRATE, order.sourceHost(), dest);
      return publisher.send(Topics.ASSIGNMENTS, order.sourceHost(), migrate.toJson().encode(), order.requestId());
    }
    String message = ((ScheduleResult.NoValidHost) result).message();
    LOG.info("[{}] {} of instance {}: {}", order.requestId(), order.migration() ? "migration" : "resize",
        order.instanceId(), message);
    JsonObject changes = new JsonObject().put("migration_id", order.migrationId())
        .put("quota_release", new JsonObject().put("cores", order.migration() ? 0 : f.vcpus())
            .put("ram", order.migration() ? 0 : f.ramMb()));
    InstanceUpdate back = InstanceUpdate.resizeStep(InstanceUpdate.Origin.unplaced(order.requestId()),
        order.instanceId(), TaskState.RESIZE_PREP, order.vmState(), null, EVENT, false, changes, message);
    back = new InstanceUpdate(back.version(), UUID.nameUUIDFromBytes(("no-valid-host\n" + order.migrationId())
        .getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString(), back.instanceId(), back.expectedVmState(),
        back.expectedTaskState(), back.vmState(), back.taskState(), back.host(), back.attempt(), back.event(),
        back.eventResult(), back.changes(), back.fault(), back.requestId(), back.timestampMillis());
    return publisher.send(Topics.INSTANCE_UPDATES, order.instanceId(), back.toJson().encode(), order.requestId());
  }
}
