package io.strato.common.kafka;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At-least-once consumption with offsets committed only after the effects: poll a batch, hand it to the handler,
 * commit when the handler's Future succeeds, poll again. When the handler fails (database down, say) the same
 * batch is retried after a pause, never skipped; handlers must therefore be idempotent.
 */
public final class PollLoop<K, V> {
  private static final Logger LOG = LoggerFactory.getLogger(PollLoop.class);
  private final Vertx vertx;
  private final KafkaConsumer<K, V> consumer;
  private final Function<List<KafkaConsumerRecord<K, V>>, Future<Void>> handler;
  private final String name;
  private volatile boolean running = true;

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

  private void next() {
    if (!running) return;
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
        next();
      } else if (running) {
        LOG.warn("{}: a batch of {} failed, retrying: {}", name, batch.size(), ar.cause().toString());
        vertx.setTimer(1000, t -> process(batch));
      }
    });
  }
}
