package io.strato.common.db;

import io.strato.common.config.Settings;
import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.Topics;
import io.strato.common.messages.DeadLetter;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves outbox rows to Kafka, two ways:
 * <ul>
 *   <li>Handed off ({@link #handOff}): the process that committed rows written with {@link Outbox#addForHandOff}
 *       gives them to its relay straight after the commit, which sends them at once without reading them back; the
 *       rows Kafka acknowledged are deleted lazily, many in one statement every {@code outbox.delete.interval.ms}.
 *       Such rows carry a lease ({@code outbox.handoff.lease.ms}): no poll takes them before it ends, so while the
 *       process lives only its hand-off sends them; if it dies between commit and send, any relay's poll sends them
 *       once the lease has passed. A hand-off whose send fails makes its row due at once for the poll below.</li>
 *   <li>Polled: takes a batch of due rows with {@code FOR UPDATE SKIP LOCKED} (several processes share the work),
 *       sends every row (acks=all, idempotent producer), and in the same transaction deletes the rows Kafka
 *       acknowledged. Runs when {@link #nudge()}d after a commit of rows not handed off, and every
 *       {@code gateway.outbox.poll.ms} to pick up anything left.</li>
 * </ul>
 * A crash between send and delete re-sends those rows, which consumers tolerate (they are idempotent by instance id).
 * The compute API's and the conductor's rows share the {@code nova} outbox; each process relays what it finds.
 *
 * <p>One row never holds back the others: a row Kafka did not take is retried with a doubling back-off (from
 * {@code outbox.retry.initial.ms}), while the rows behind it go on; a row Kafka can never take (larger than the topic
 * allows, an invalid topic, refused by the broker's ACLs) or one that failed {@code outbox.max.attempts} times is
 * published to {@code strato.dead-letters} with the reason and deleted. An instance whose boot request was dropped
 * that way ends in ERROR when the conductor's build timeout passes.
 */
public final class OutboxRelay extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
  private static final int BATCH = 500;
  private final Pool pool;
  private final Settings settings;
  private final long pollMs;
  private final int maxAttempts;
  private final long retryInitialMs;
  private KafkaProducer<String, String> producer;
  private final long leaseMs;
  private final long deleteIntervalMs;
  private boolean running;
  private boolean again;
  /** Handed-off rows Kafka took, to delete; the poll skips them meanwhile (their lease may end first). */
  private final Set<Long> sent = new LinkedHashSet<>();
  private boolean deleteScheduled;

  private final String clientId;

  /** What became of one row: sent, to retry later, or dead (with the reason). */
  private record Outcome(long id, Row row, Throwable failure, boolean dead) {}

  /** {@code owner} names the process in Kafka's client id ({@code gateway}, {@code conductor}). */
  public OutboxRelay(Pool pool, Settings settings, String owner) {
    this.clientId = "strato-" + owner + "-outbox";
    this.pool = pool;
    this.settings = settings;
    this.pollMs = settings.getLong("gateway.outbox.poll.ms");
    this.maxAttempts = settings.getInt("outbox.max.attempts");
    this.retryInitialMs = settings.getLong("outbox.retry.initial.ms");
    this.leaseMs = settings.getLong("outbox.handoff.lease.ms");
    this.deleteIntervalMs = settings.getLong("outbox.delete.interval.ms");
  }

  /** How long rows to be handed to this relay are left alone by every poll ({@link Outbox#addForHandOff}). */
  public long leaseMs() {
    return leaseMs;
  }

  /**
   * Sends rows this process just committed (written with {@link Outbox#addForHandOff}), in their order; what Kafka
   * took is deleted lazily, what it did not is left to the poll (due at once).
   */
  public void handOff(List<OutboxMessage> messages) {
    if (messages.isEmpty()) return;
    context.runOnContext(v -> {
      for (OutboxMessage m : messages) {
        KafkaProducerRecord<String, String> record = KafkaProducerRecord.create(m.topic(), m.key(), m.payload());
        withRequestId(record, m.requestId());
        producer.send(record).onComplete(ar -> {
          if (ar.succeeded()) {
            sent.add(m.id());
            scheduleDelete();
          } else {
            LOG.warn("[{}] outbox row {} for {} not delivered on hand-off, left to the relay's poll: {}",
                m.requestId(), m.id(), m.topic(), ar.cause().toString());
            pool.preparedQuery("UPDATE outbox SET next_attempt_at = now() WHERE id = $1").execute(Tuple.of(m.id()))
                .onComplete(done -> nudge());
          }
        });
      }
    });
  }

  private void scheduleDelete() {
    if (deleteScheduled) return;
    deleteScheduled = true;
    vertx.setTimer(deleteIntervalMs, t -> {
      List<Long> ids = new ArrayList<>(sent);
      delete(pool, ids).onComplete(ar -> {
        deleteScheduled = false;
        if (ar.succeeded()) {
          ids.forEach(sent::remove);
        } else {
          LOG.warn("outbox relay could not delete {} sent rows, will retry: {}", ids.size(), ar.cause().getMessage());
        }
        if (!sent.isEmpty()) scheduleDelete();
      });
    });
  }

  @Override
  public Future<?> start() {
    Map<String, String> config = KafkaSettings.producer(settings, clientId);
    // NOTE: a record for a topic the broker does not know waits for metadata up to max.block.ms; bounded, so one
    // such row costs one timeout per attempt, not a minute.
    long timeout = settings.getLong("outbox.send.timeout.ms");
    config.put("max.block.ms", String.valueOf(timeout));
    config.put("request.timeout.ms", String.valueOf(timeout));
    config.put("delivery.timeout.ms", String.valueOf(timeout + 1000));
    producer = KafkaProducer.create(vertx, config);
    vertx.setPeriodic(pollMs, id -> nudge());
    nudge();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    // Rows Kafka took are deleted now rather than sent again by a poll once their lease has passed.
    Future<?> deleted = delete(pool, new ArrayList<>(sent)).otherwiseEmpty();
    return deleted.compose(v -> producer == null ? Future.succeededFuture() : producer.close());
  }

  /** Asks for a relay run soon; runs coalesce, so a burst of commits costs a few batches, not one run each. */
  public void nudge() {
    context.runOnContext(v -> {
      if (running) {
        again = true;
        return;
      }
      running = true;
      relayBatch().onComplete(ar -> {
        running = false;
        if (ar.failed()) LOG.warn("outbox relay failed, will retry: {}", ar.cause().getMessage());
        boolean more = ar.succeeded() && ar.result() == BATCH;
        if (again || more) {
          again = false;
          nudge();
        }
      });
    });
  }

  private Future<Integer> relayBatch() {
    return pool.withTransaction(tx -> tx.preparedQuery("SELECT id, topic, key, payload, request_id, attempts"
            + " FROM outbox WHERE next_attempt_at <= now() AND id <> ALL($2) ORDER BY id LIMIT $1"
            + " FOR UPDATE SKIP LOCKED")
        .execute(Tuple.tuple().addInteger(BATCH).addArrayOfLong(sent.toArray(Long[]::new)))
        .compose(rows -> send(rows).compose(outcomes -> settle(tx, outcomes)).map(v -> rows.size())));
  }

  private Future<List<Outcome>> send(RowSet<Row> rows) {
    List<Future<Outcome>> sends = new ArrayList<>();
    for (Row r : rows) {
      long id = r.getLong("id");
      KafkaProducerRecord<String, String> record =
          KafkaProducerRecord.create(r.getString("topic"), r.getString("key"), r.getString("payload"));
      withRequestId(record, r.getString("request_id"));
      sends.add(producer.send(record).map(meta -> new Outcome(id, r, null, false))
          .otherwise(e -> new Outcome(id, r, e, neverDeliverable(e) || r.getInteger("attempts") + 1 >= maxAttempts)));
    }
    return Future.all(sends).map(all -> all.<Outcome>list());
  }

  /** Failures that no retry can cure. */
  static boolean neverDeliverable(Throwable e) {
    return e instanceof RecordTooLargeException || e instanceof RecordBatchTooLargeException
        || e instanceof InvalidTopicException || e instanceof SerializationException
        || e instanceof TopicAuthorizationException;
  }

  /** Deletes what Kafka took, dead-letters what it never will, and schedules the rest again. */
  private Future<Void> settle(SqlConnection tx, List<Outcome> outcomes) {
    List<Long> done = new ArrayList<>();
    List<Future<Void>> work = new ArrayList<>();
    for (Outcome o : outcomes) {
      if (o.failure() == null) {
        done.add(o.id());
      } else if (o.dead()) {
        work.add(deadLetter(o).compose(v -> {
          done.add(o.id());
          return Future.<Void>succeededFuture();
        }).recover(e -> retryLater(tx, o)));
      } else {
        work.add(retryLater(tx, o));
      }
    }
    return Future.all(work).compose(v -> delete(tx, done));
  }

  private Future<Void> deadLetter(Outcome o) {
    Row r = o.row();
    String reason = o.failure().getClass().getSimpleName() + ": " + o.failure().getMessage();
    LOG.error("[{}] outbox row {} for {} can never be delivered ({}), moved to {}", r.getString("request_id"), o.id(),
        r.getString("topic"), reason, Topics.DEAD_LETTERS);
    DeadLetter letter = DeadLetter.of("outbox", r.getString("topic"), r.getString("key"), r.getString("request_id"),
        reason, r.getInteger("attempts") + 1, r.getString("payload"));
    KafkaProducerRecord<String, String> record = KafkaProducerRecord.create(Topics.DEAD_LETTERS, r.getString("key"),
        letter.toJson().encode());
    withRequestId(record, r.getString("request_id"));
    return producer.send(record).mapEmpty();
  }

  private Future<Void> retryLater(SqlConnection tx, Outcome o) {
    int attempts = o.row().getInteger("attempts") + 1;
    long delay = retryInitialMs << Math.min(attempts - 1, 16);
    LOG.warn("[{}] outbox row {} for {} not delivered (attempt {} of {}), retrying in {} ms: {}",
        o.row().getString("request_id"), o.id(), o.row().getString("topic"), attempts, maxAttempts, delay,
        o.failure().toString());
    return tx.preparedQuery("UPDATE outbox SET attempts = $2, last_error = $3,"
            + " next_attempt_at = now() + $4 * interval '1 millisecond' WHERE id = $1")
        .execute(Tuple.of(o.id(), attempts, String.valueOf(o.failure()), delay)).mapEmpty();
  }

  private static void withRequestId(KafkaProducerRecord<String, String> record, String requestId) {
    if (requestId != null) {
      record.addHeader(KafkaHeader.header(Topics.REQUEST_ID_HEADER, Buffer.buffer(requestId)));
    }
  }

  private static Future<Void> delete(SqlClient client, List<Long> ids) {
    if (ids.isEmpty()) return Future.succeededFuture();
    return client.preparedQuery("DELETE FROM outbox WHERE id = ANY($1)").execute(Tuple.of(ids.toArray(Long[]::new)))
        .mapEmpty();
  }
}
