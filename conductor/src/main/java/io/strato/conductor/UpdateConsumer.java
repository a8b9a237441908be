package io.strato.conductor;

import io.strato.common.config.Settings;
import io.strato.common.db.OutboxRelay;
import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.PollLoop;
import io.strato.common.kafka.Topics;
import io.strato.common.messages.InstanceUpdate;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes {@code strato.instance-updates} in the {@code strato-conductor} group and applies each update, in order
 * per instance (the topic is keyed by instance id; instances go side by side), committing a batch only once every
 * update of it is applied.
 * A malformed message is logged and skipped; it can never be applied, so retrying it would block the partition.
 */
public final class UpdateConsumer extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(UpdateConsumer.class);
  private final Settings settings;
  private final InstanceStates states;
  private PollLoop<String, String> loop;

  private final OutboxRelay relay;

  public UpdateConsumer(Settings settings, InstanceStates states, OutboxRelay relay) {
    this.relay = relay;
    this.settings = settings;
    this.states = states;
  }

  @Override
  public Future<?> start() {
    KafkaConsumer<String, String> consumer =
        KafkaConsumer.create(vertx, KafkaSettings.consumer(settings, "strato-conductor"));
    loop = new PollLoop<>(vertx, consumer, "conductor", this::applyAll);
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

  /** Updates of one instance apply in order; different instances apply side by side (the pool bounds them). */
  private Future<Void> applyAll(List<KafkaConsumerRecord<String, String>> batch) {
    java.util.Map<String, Future<Void>> chains = new java.util.LinkedHashMap<>();
    for (KafkaConsumerRecord<String, String> r : batch) {
      String key = r.key() == null ? "" : r.key();
      chains.put(key, chains.getOrDefault(key, Future.succeededFuture()).compose(v -> applyOne(r)));
    }
    return Future.all(new java.util.ArrayList<>(chains.values())).<Void>mapEmpty().onSuccess(v -> relay.nudge());
  }

  private Future<Void> applyOne(KafkaConsumerRecord<String, String> record) {
    InstanceUpdate update;
    try {
      update = InstanceUpdate.fromJson(new JsonObject(record.value()));
    } catch (RuntimeException e) {
      LOG.error("skipping malformed instance update at {}-{}@{}: {}", record.topic(), record.partition(),
          record.offset(), e.getMessage());
      return Future.succeededFuture();
    }
    return states.apply(update).map(applied -> {
      if (!applied) {
        LOG.info("[{}] instance {}: update to {}/{} ignored, it is no longer {}/{}", update.requestId(),
            update.instanceId(), update.vmState(), update.taskState(), update.expectedVmState(),
            update.expectedTaskState());
      }
      return null;
    });
  }
}
