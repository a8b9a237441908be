package io.strato.conductor;

import io.strato.common.config.Settings;
import io.strato.common.db.OutboxRelay;
import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.PoisonRecord;
import io.strato.common.kafka.PollLoop;
import io.strato.common.kafka.Topics;
import io.strato.common.lifecycle.TaskState;
import io.strato.common.messages.DeadLetter;
import io.strato.common.messages.InstanceUpdate;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code strato.dead-letters} in the {@code strato-conductor-dead-letters} group and ends every instance a dead
 * letter names that is still building in ERROR, with the letter's reason as its fault: an instance whose boot request,
 * assignment or update can never be processed does not wait in BUILD for its build timeout. An instance already
 * ACTIVE, in ERROR or deleted is left alone. In the same transaction it announces {@code instance.create.error}
 * ({@link Lifecycle}) and puts the matching error update on {@code strato.instance-updates} (through the outbox), so
 * the scheduler gives back the instance's claim as for any failed build; that update changes nothing here (the
 * instance is no longer building).
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
    JsonObject fault = new JsonObject().put("code", 500).put("message", message).put("details", reason)
        .put("created", DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").format(OffsetDateTime.now(
            ZoneOffset.UTC)));
    return pool.withTransaction(tx -> tx.preparedQuery("WITH old AS (SELECT id AS old_id, vm_state AS old_vm_state,"
            + " task_state AS old_task_state FROM instances WHERE id = $1 FOR UPDATE)"
            + " UPDATE instances SET vm_state = 'error', task_state = NULL, fault = $2, updated_at = now()"
            + " FROM old WHERE id = old_id AND id = $1 AND NOT deleted AND vm_state = 'building'"
            + " RETURNING old_vm_state, old_task_state, " + Lifecycle.RETURNING)
        .execute(Tuple.of(UUID.fromString(instanceId), fault))
        .compose(rows -> {
          if (rows.size() == 0) return Future.succeededFuture(false);
          Row row = rows.iterator().next();
          LOG.error("[{}] instance {} ended in ERROR: {}", requestId, instanceId, message);
          return Lifecycle.announce(tx, Lifecycle.Transition.from(row), requestId)
              .compose(v -> tellScheduler(tx, letter.messageId(), requestId, instanceId,
                  row.getString("old_task_state"), fault))
              .map(true);
        }))
        .onSuccess(ended -> {
          if (ended) relay.nudge();
        })
        .mapEmpty();
  }

  /** The error update the scheduler's claim releaser reads (idempotent: stable message id per letter and instance). */
  private static Future<Void> tellScheduler(SqlConnection tx, String letterId, String requestId, String instanceId,
      String taskState, JsonObject fault) {
    String messageId = UUID.nameUUIDFromBytes((letterId + "\n" + instanceId).getBytes(
        java.nio.charset.StandardCharsets.UTF_8)).toString();
    InstanceUpdate update = InstanceUpdate.error(messageId, instanceId, TaskState.of(taskState), null, null,
        fault.getInteger("code"),
        fault.getString("message"), fault.getString("details"), requestId);
    return tx.preparedQuery("INSERT INTO outbox(topic, key, payload, request_id) VALUES ($1, $2, $3, $4)")
        .execute(Tuple.of(Topics.INSTANCE_UPDATES, instanceId, update.toJson().encode(), requestId))
        .mapEmpty();
  }

  /** PostgreSQL's text and jsonb take no NUL character: a reason quoting the poison shows it as \0. */
  private static String printable(String s) {
    return s == null ? "" : s.replace("\u0000", "\\0");
  }
}
