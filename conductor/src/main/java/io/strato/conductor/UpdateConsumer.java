package io.strato.conductor;

import io.strato.common.config.Settings;
import io.strato.common.db.OutboxRelay;
import io.strato.common.kafka.BatchedHandler;
import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.PoisonRecord;
import io.strato.common.kafka.PollLoop;
import io.strato.common.kafka.Topics;
import io.strato.common.messages.InstanceUpdate;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes {@code strato.instance-updates} in the {@code strato-conductor} group and applies each update, in order
 * per instance (the topic is keyed by instance id; instances go side by side), committing as updates are applied
 * ({@link PollLoop}). The updates ready together (a poll's, one per instance) are applied in one transaction
 * ({@link BatchedHandler}, {@link InstanceStates#applyAll}).
 *
 * <p>Permanent, dead-lettered (and the instance it names ends in ERROR, see {@link DeadLetterConsumer}): an update
 * that does not parse or validate (not JSON, a wrong type, an unknown version, an instance id that is not a UUID) or
 * whose values PostgreSQL refuses (a NUL byte). Transient, retried with back-off: PostgreSQL down or busy.
 */
public final class UpdateConsumer extends VerticleBase {
  static final String GROUP = "strato-conductor";
  private static final Logger LOG = LoggerFactory.getLogger(UpdateConsumer.class);
  private final Settings settings;
  private final InstanceStates states;
  private final OutboxRelay relay;
  private PollLoop loop;

  public UpdateConsumer(Settings settings, InstanceStates states, OutboxRelay relay) {
    this.relay = relay;
    this.settings = settings;
    this.states = states;
  }

  @Override
  public Future<?> start() {
    KafkaConsumer<String, String> consumer = KafkaConsumer.create(vertx, KafkaSettings.consumer(settings, GROUP));
    loop = new PollLoop(vertx, consumer, GROUP, settings,
        new BatchedHandler<>(vertx, UpdateConsumer::parse, this::applyAll, this::applyOne));
    return consumer.subscribe(Topics.INSTANCE_UPDATES).onSuccess(v -> loop.start());
  }

  /** Polling, within Kafka's max.poll.interval.ms (a consumer silent for longer has left its group). */
  public boolean alive() {
    return loop != null && loop.alive(KafkaSettings.maxPollIntervalMs(settings));
  }

  @Override
  public Future<?> stop() {
    return loop == null ? Future.succeededFuture() : loop.stop();
  }

  /** A record as an update, or the reason it can never apply (thrown: dead-lettered alone, before any batch). */
  private static InstanceUpdate parse(KafkaConsumerRecord<String, String> record) {
    return PoisonRecord.parsed(() -> {
      InstanceUpdate update = InstanceUpdate.fromJson(PoisonRecord.json(record.value()));
      UUID.fromString(update.instanceId()); // a non-UUID id can never match an instance: refused here, not by SQL
      return update;
    });
  }

  /** The ready updates of a poll, in one transaction (see {@link BatchedHandler} for a batch that fails). */
  private Future<Void> applyAll(List<InstanceUpdate> updates) {
    return states.applyAll(updates).map(applied -> {
      for (int i = 0; i < updates.size(); i++) applied(updates.get(i), applied.get(i));
      return null;
    });
  }

  private Future<Void> applyOne(InstanceUpdate update) {
    return states.apply(update).map(applied -> {
      applied(update, applied);
      return null;
    });
  }

  private void applied(InstanceUpdate update, boolean applied) {
    if (!applied) {
      LOG.debug("[{}] instance {}: update to {}/{} ignored, it is no longer {}/{}", update.requestId(),
          update.instanceId(), update.vmState(), update.taskState(), update.expectedVmState(),
          update.expectedTaskState());
    }
    relay.nudge(); // an ignored update may have written an order too (LateBuilds)
  }
}
