package io.strato.scheduler.service;

import io.strato.common.config.Settings;
import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.PollLoop;
import io.strato.common.kafka.Topics;
import io.strato.common.lifecycle.VmState;
import io.strato.common.messages.InstanceUpdate;
import io.strato.scheduler.Scheduler;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives back what an instance held once it no longer needs it: on an update to {@code error} (its build failed) or
 * {@code deleted}, the instance's claim is released and its placement forgotten. Without it a failed build would
 * keep its host's capacity until the claim's TTL, and the placement ledger would only grow. An ACTIVE instance
 * keeps its placement until deleted, so a boot request redelivered late still finds where it went. An update from a
 * host releases only a placement on that host (see {@link Scheduler#release(String, String)}).
 *
 * <p>Every scheduler process keeps its own host-state map, so each reads all updates in a group of its own.
 */
final class ClaimReleaser extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ClaimReleaser.class);
  private final Settings settings;
  private final String group;
  private final Scheduler scheduler;
  private PollLoop loop;

  ClaimReleaser(Settings settings, String group, Scheduler scheduler) {
    this.settings = settings;
    this.group = group;
    this.scheduler = scheduler;
  }

  @Override
  public Future<?> start() {
    var props = KafkaSettings.consumer(settings, group);
    props.put("auto.offset.reset", "latest"); // what ended before this process started was already released
    KafkaConsumer<String, String> consumer = KafkaConsumer.create(vertx, props);
    loop = new PollLoop(vertx, consumer, group, settings, this::releaseEnded);
    return consumer.subscribe(Topics.INSTANCE_UPDATES).onSuccess(v -> loop.start());
  }

  @Override
  public Future<?> stop() {
    return loop == null ? Future.succeededFuture() : loop.stop();
  }

  /** A record it cannot read is skipped: the conductor's consumer of the same topic dead-letters it. */
  private Future<Void> releaseEnded(KafkaConsumerRecord<String, String> r) {
    try {
      InstanceUpdate u = InstanceUpdate.fromJson(new JsonObject(r.value()));
      String migration = u.changes().getString("migration_id");
      if (migration != null) {
        // A resize's last update on its way in (VERIFY_RESIZE, or failed): the destination's report accounts for the
        // new flavor from now on, so the in-flight claim and ledger entry of the migration go.
        if (u.taskState() == null) scheduler.release(migration);
        return Future.succeededFuture();
      }
      if (u.vmState() != VmState.ERROR && u.vmState() != VmState.DELETED) return Future.succeededFuture();
      // An update from a host gives back that host's claim only: a host that lost the race for an instance (or
      // found it deleted) says so with a (refused) update to error, and the winner's placement must stay.
      if (u.host() == null) {
        scheduler.release(u.instanceId());
      } else {
        scheduler.release(u.instanceId(), u.host());
      }
    } catch (RuntimeException e) {
      LOG.warn("skipping an instance update the releaser cannot read at offset {}: {}", r.offset(), e.getMessage());
    }
    return Future.succeededFuture();
  }
}
