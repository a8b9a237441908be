package io.strato.conductor;

import io.strato.common.config.Settings;
import io.strato.common.db.OutboxRelay;
import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.PoisonRecord;
import io.strato.common.kafka.PollLoop;
import io.strato.common.kafka.Topics;
import io.strato.common.messages.DeadLetter;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.sqlclient.Pool;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code strato.dead-letters} in the {@code strato-conductor-dead-letters} group and ends every instance a dead
 * letter names that is still building in ERROR, with the letter's reason as its fault: an instance whose boot request,
 * assignment or update can never be processed does not wait in BUILD for its build timeout. An instance already
 * ACTIVE, in ERROR or deleted is left alone, unless the letter is an order to its host (on
 * {@code strato.assignments}) and it waits in a snapshot or rebuild task for that order ({@link OrphanedTasks}). The build ends as {@link Lifecycle#endedInError} ends it:
 * {@code instance.create.error} announced, the scheduler's claim given back, and the host the build reached told to
 * remove what it made, all in the same transaction.
 *
 * <p>A letter that is not one is skipped (logged): it cannot be dead-lettered again. PostgreSQL down is retried.
 */
final class DeadLetterConsumer extends VerticleBase {
  static final String GROUP = "strato-conductor-dead-letters";
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterConsumer.class);
  private static final int MAX_MESSAGE = 1024;
  private final Settings settings;
  private final Pool pool;
  private final OutboxRelay relay;
  private PollLoop loop;

  DeadLetterConsumer(Settings settings, Pool pool, OutboxRelay relay) {
    this.settings = settings;
    this.pool = pool;
    this.relay = relay;
  }

  @Override
  public Future<?> start() {
    KafkaConsumer<String, String> consumer = KafkaConsumer.create(vertx, KafkaSettings.consumer(settings, GROUP));
    loop = new PollLoop(vertx, consumer, GROUP, settings, this::handle).naming(r -> List.of());
    return consumer.subscribe(Topics.DEAD_LETTERS).onSuccess(v -> loop.start());
  }

  @Override
  public Future<?> stop() {
    return loop == null ? Future.succeededFuture() : loop.stop();
  }

  private Future<Void> handle(KafkaConsumerRecord<String, String> record) {
    DeadLetter letter;
    try {
      letter = DeadLetter.fromJson(PoisonRecord.json(record.value()));
    } catch (RuntimeException e) {
      LOG.warn("skipping a record of {} that is not a dead letter (partition {}, offset {}): {}", record.topic(),
          record.partition(), record.offset(), e.getMessage());
      return Future.succeededFuture();
    }
    Future<Void> chain = Future.succeededFuture();
    for (String id : letter.instanceIds()) chain = chain.compose(v -> fail(letter, id));
    return chain.recover(e -> PoisonRecord.isPermanent(e) ? skipped(letter, e) : Future.failedFuture(e));
  }

  private Future<Void> skipped(DeadLetter letter, Throwable e) {
    LOG.warn("dead letter {} from {}: its instances could not be ended: {}", letter.messageId(), letter.source(),
        e.toString());
    return Future.succeededFuture();
  }

  private Future<Void> fail(DeadLetter letter, String instanceId) {
    String reason = printable(letter.reason());
    String requestId = letter.requestId() == null || !letter.requestId().equals(printable(letter.requestId())) ? null
        : letter.requestId();
    String full = "A message about this instance can never be processed (" + printable(letter.topic()) + "): "
        + reason;
    String message = full.length() > MAX_MESSAGE ? full.substring(0, MAX_MESSAGE) : full;
    JsonObject fault = new JsonObject().put("code", 500).put("message", message).put("details", reason);
    return pool.withTransaction(tx -> Lifecycle.endedInError(tx, instanceId, fault, requestId, null,
            "dead-letter " + letter.messageId())
            .compose(ended -> ended || !Topics.ASSIGNMENTS.equals(letter.topic()) ? Future.succeededFuture(ended)
                : OrphanedTasks.end(tx, instanceId, fault)))
        .onSuccess(ended -> {
          if (ended) {
            LOG.error("[{}] instance {} ended in ERROR: {}", requestId, instanceId, message);
            relay.nudge();
          }
        })
        .mapEmpty();
  }

  /** PostgreSQL's text and jsonb take no NUL character: a reason quoting the poison shows it as \0. */
  private static String printable(String s) {
    return s == null ? "" : s.replace("\u0000", "\\0");
  }
}
