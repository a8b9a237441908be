package io.strato.common.db;

import io.strato.common.config.Settings;
import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.Topics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves outbox rows to Kafka: takes a batch with {@code FOR UPDATE SKIP LOCKED} (several processes share the work),
 * sends every row (acks=all, idempotent producer), and deletes the batch only once Kafka acknowledged all of it.
 * A crash between send and delete re-sends those rows, which consumers tolerate (they are idempotent by instance id).
 * Runs when {@link #nudge()}d after a commit, and every {@code gateway.outbox.poll.ms} to pick up anything left.
 * The compute API's and the conductor's rows share the {@code nova} outbox; each process relays what it finds.
 */
public final class OutboxRelay extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
  private static final int BATCH = 500;
  private final Pool pool;
  private final Settings settings;
  private final long pollMs;
  private KafkaProducer<String, String> producer;
  private boolean running;
  private boolean again;

  private final String clientId;

  /** {@code owner} names the process in Kafka's client id ({@code gateway}, {@code conductor}). */
  public OutboxRelay(Pool pool, Settings settings, String owner) {
    this.clientId = "strato-" + owner + "-outbox";
    this.pool = pool;
    this.settings = settings;
    this.pollMs = settings.getLong("gateway.outbox.poll.ms");
  }

  @Override
  public Future<?> start() {
    producer = KafkaProducer.create(vertx, KafkaSettings.producer(settings, clientId));
    vertx.setPeriodic(pollMs, id -> nudge());
    nudge();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return producer == null ? Future.succeededFuture() : producer.close();
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
    return pool.withTransaction(tx -> tx.preparedQuery("SELECT id, topic, key, payload, request_id FROM outbox"
            + " ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED").execute(Tuple.of(BATCH))
        .compose(rows -> send(rows).compose(ids -> delete(tx, ids)).map(v -> rows.size())));
  }

  private Future<List<Long>> send(RowSet<Row> rows) {
    List<Future<?>> sends = new ArrayList<>();
    List<Long> ids = new ArrayList<>();
    for (Row r : rows) {
      ids.add(r.getLong("id"));
      KafkaProducerRecord<String, String> record =
          KafkaProducerRecord.create(r.getString("topic"), r.getString("key"), r.getString("payload"));
      if (r.getString("request_id") != null) {
        record.addHeader(KafkaHeader.header(Topics.REQUEST_ID_HEADER, Buffer.buffer(r.getString("request_id"))));
      }
      sends.add(producer.send(record));
    }
    return Future.all(sends).map(v -> ids);
  }

  private Future<Void> delete(SqlConnection tx, List<Long> ids) {
    if (ids.isEmpty()) return Future.succeededFuture();
    return tx.preparedQuery("DELETE FROM outbox WHERE id = ANY($1)").execute(Tuple.of(ids.toArray(Long[]::new)))
        .mapEmpty();
  }
}
