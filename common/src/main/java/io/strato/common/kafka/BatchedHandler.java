package io.strato.common.kafka;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A {@link PollLoop.Handler} that processes together the records the loop starts in one turn of the event loop (the
 * ready records of a poll: at most one per order key, so per-key order is {@link PollLoop}'s as before), each record
 * still completing on its own for the loop's commits, retries and dead letters:
 * <ul>
 *   <li>a record that does not parse ({@code parse} throws) fails alone, before any batch, so a poison record never
 *       costs the others their batch;</li>
 *   <li>the parsed records go to {@code batch} as one unit (one transaction, say); when it succeeds every record is
 *       done;</li>
 *   <li>when it fails, each record is handled again on its own with {@code single}, so a record whose values the
 *       database refuses fails (and is dead-lettered) alone while the others apply; {@code batch} must therefore
 *       leave nothing behind when it fails (roll back).</li>
 * </ul>
 * A record retried by the loop comes back through here and joins whatever batch forms then.
 *
 * @param <T> a parsed record
 */
public final class BatchedHandler<T> implements PollLoop.Handler {
  private final Vertx vertx;
  private final Function<KafkaConsumerRecord<String, String>, T> parse;
  private final Function<List<T>, Future<Void>> batch;
  private final Function<T, Future<Void>> single;
  private List<Pending<T>> pending = new ArrayList<>();

  private record Pending<T>(T item, Promise<Void> done) {}

  public BatchedHandler(Vertx vertx, Function<KafkaConsumerRecord<String, String>, T> parse,
      Function<List<T>, Future<Void>> batch, Function<T, Future<Void>> single) {
    this.vertx = vertx;
    this.parse = parse;
    this.batch = batch;
    this.single = single;
  }

  @Override
  public Future<Void> handle(KafkaConsumerRecord<String, String> record) {
    T item = parse.apply(record); // throws for a record that can never apply: the loop fails it alone
    Promise<Void> done = Promise.promise();
    pending.add(new Pending<>(item, done));
    // The loop starts each ready record in its own task on this context; this flush runs after all of them.
    if (pending.size() == 1) vertx.runOnContext(v -> flush());
    return done.future();
  }

  private void flush() {
    List<Pending<T>> taken = pending;
    pending = new ArrayList<>();
    if (taken.size() == 1) {
      apply(single, taken.get(0));
      return;
    }
    Future<Void> all;
    try {
      all = batch.apply(taken.stream().map(Pending::item).toList());
    } catch (RuntimeException e) {
      all = Future.failedFuture(e);
    }
    all.onComplete(ar -> {
      if (ar.succeeded()) {
        taken.forEach(p -> p.done().complete());
      } else {
        taken.forEach(p -> apply(single, p)); // rolled back: one by one, so only a bad record fails
      }
    });
  }

  private void apply(Function<T, Future<Void>> handler, Pending<T> p) {
    Future<Void> f;
    try {
      f = handler.apply(p.item());
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(p.done());
  }
}
