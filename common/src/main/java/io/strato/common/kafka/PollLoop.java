package io.strato.common.kafka;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At-least-once consumption with offsets committed only after the effects: poll a batch, hand it to the handler,
 * commit when the handler's Future succeeds, poll again. When the handler or the commit fails (database down, or the
 * consumer was evicted from its group because a batch outlasted {@code max.poll.interval.ms}), the loop seeks back
 * to the batch's first offsets and polls again after a back-off: polling keeps (or regains) the consumer's place in
 * its group, so the batch comes back (from this consumer, or after a rebalance from whoever owns the partitions) and
 * nothing is skipped. Handlers must therefore be idempotent.
 */
public final class PollLoop<K, V> {
  private static final Logger LOG = LoggerFactory.getLogger(PollLoop.class);
  private static final long MAX_BACKOFF_MS = 30_000;
  private final Vertx vertx;
  private final KafkaConsumer<K, V> consumer;
  private final Function<List<KafkaConsumerRecord<K, V>>, Future<Void>> handler;
  private final String name;
  private volatile boolean running = true;
  private volatile long lastPollMillis = System.currentTimeMillis();
  private long backoffMs = 500;

  public PollLoop(Vertx vertx, KafkaConsumer<K, V> consumer, String name,
      Function<List<KafkaConsumerRecord<K, V>>, Future<Void>> handler) {
    this.vertx = vertx;
    this.consumer = consumer;
    this.name = name;
    this.handler = handler;
  }

  public void start() {
    next();
  }

  public Future<Void> stop() {
    running = false;
    return consumer.close();
  }

  /**
   * True while the loop runs and polled within {@code withinMillis} (give it the consumer's
   * {@code max.poll.interval.ms}: a consumer that has not polled for that long has left its group).
   */
  public boolean alive(long withinMillis) {
    return running && System.currentTimeMillis() - lastPollMillis < withinMillis;
  }

  private void next() {
    if (!running) return;
    lastPollMillis = System.currentTimeMillis();
    consumer.poll(Duration.ofMillis(200)).onComplete(ar -> {
      if (ar.failed()) {
        if (running) LOG.warn("{}: poll failed: {}", name, ar.cause().toString());
        vertx.setTimer(500, t -> next());
        return;
      }
      List<KafkaConsumerRecord<K, V>> batch = new ArrayList<>();
      for (int i = 0; i < ar.result().size(); i++) batch.add(ar.result().recordAt(i));
      if (batch.isEmpty()) {
        next();
        return;
      }
      process(batch);
    });
  }

  private void process(List<KafkaConsumerRecord<K, V>> batch) {
    Future.<Void>succeededFuture().compose(v -> handler.apply(batch)).compose(v -> consumer.commit()).onComplete(ar -> {
      if (ar.succeeded()) {
        backoffMs = 500;
        next();
      } else if (running) {
        LOG.warn("{}: a batch of {} failed, polling it again in {} ms: {}", name, batch.size(), backoffMs,
            ar.cause().toString());
        long delay = backoffMs;
        backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        rewind(batch).onComplete(r -> vertx.setTimer(delay, t -> next()));
      }
    });
  }

  /** Seeks every partition of the batch back to its first record in the batch; a partition no longer ours is fine. */
  private Future<Void> rewind(List<KafkaConsumerRecord<K, V>> batch) {
    Map<TopicPartition, Long> first = new LinkedHashMap<>();
    for (KafkaConsumerRecord<K, V> r : batch) first.putIfAbsent(new TopicPartition(r.topic(), r.partition()), r.offset());
    List<Future<Void>> seeks = new ArrayList<>();
    first.forEach((tp, offset) -> seeks.add(consumer.seek(tp, offset).recover(e -> Future.succeededFuture())));
    return Future.join(seeks).mapEmpty();
  }
}
