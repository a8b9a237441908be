package io.strato.common.kafka;

import io.strato.common.config.Settings;
import io.strato.common.logging.RequestContext;
import io.strato.common.messages.DeadLetter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At-least-once consumption that keeps polling while work is in flight. Each record is handed to the handler on its
 * own; records with the same order key (by default the record's key, within its partition) run one after the other,
 * others side by side, at most {@code kafka.consumer.max.in.flight.per.partition} per partition and
 * {@code kafka.consumer.max.in.flight} in all. The loop never waits for a handler: a partition whose records cannot
 * start yet is paused and polling goes on, so a slow handler never holds the consumer past
 * {@code max.poll.interval.ms} and never gets it evicted from its group. A partition is resumed once it has room.
 *
 * <p>Offsets are committed per partition as records complete: the committed offset of a partition is its lowest
 * record not yet done, and only partitions that moved are committed. One failed record is never a reason to redo
 * others:
 * <ul>
 *   <li>a transient failure (see {@link PoisonRecord#isPermanent}) retries that record alone, with a doubling
 *       back-off from {@code kafka.consumer.retry.initial.ms} to {@code kafka.consumer.retry.max.ms}, as long as its
 *       partition is ours; the records after it on other keys go on;</li>
 *   <li>a permanent failure sends the record to {@code strato.dead-letters} ({@link DeadLetter#consumed}: reason,
 *       topic, partition, offset, key, headers, and the instances it names) and the record counts as done.</li>
 * </ul>
 * After a rebalance (or an eviction) the partitions we get back start from their last commit: handlers must be
 * idempotent, as everywhere in Strato.
 */
public final class PollLoop {
  private static final Logger LOG = LoggerFactory.getLogger(PollLoop.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final long CLOSE_TIMEOUT_S = 10;

  /** Processes one record; a failed Future is retried or dead-lettered as described above. */
  @FunctionalInterface
  public interface Handler {
    Future<Void> handle(KafkaConsumerRecord<String, String> record);
  }

  private final Vertx vertx;
  private final KafkaConsumer<String, String> consumer;
  private final String group;
  private final Settings settings;
  private final Handler handler;
  private final long retryInitialMs;
  private final long retryMaxMs;
  private final Map<TopicPartition, Partition> partitions = new LinkedHashMap<>();
  private final Map<String, Future<Void>> tails = new HashMap<>();
  private final Set<TopicPartition> paused = new HashSet<>();
  private final ConsumerMetrics metrics;
  private Function<KafkaConsumerRecord<String, String>, String> orderKey =
      r -> r.topic() + "/" + r.partition() + "/" + r.key();
  private Function<KafkaConsumerRecord<String, String>, List<String>> instancesNamed =
      r -> DeadLetter.instancesNamed(r.key(), r.value());
  private int maxPerPartition;
  private int maxInFlight;
  private KafkaProducer<String, String> deadLetters;
  private volatile boolean running;
  private volatile long lastPollMillis = System.currentTimeMillis();
  private int inFlight;
  private boolean committing;
  private boolean commitAgain;
  private long lagTimer = -1;
  private boolean measuringLag;

  /** One partition as this consumer sees it since it last got it: records waiting, running, and not yet done. */
  private static final class Partition {
    final TopicPartition tp;
    final ArrayDeque<KafkaConsumerRecord<String, String>> waiting = new ArrayDeque<>();
    final TreeSet<Long> undone = new TreeSet<>();
    long next = -1;
    long committed = -1;
    int running;

    Partition(TopicPartition tp) {
      this.tp = tp;
    }

    /** The offset to commit: the lowest record not done yet, or past the last record seen. */
    long committable() {
      return undone.isEmpty() ? next : undone.first();
    }
  }

  /**
   * @param group the consumer's group (or another stable name for a group-less consumer): names it in logs, metrics
   *              and dead letters
   */
  public PollLoop(Vertx vertx, KafkaConsumer<String, String> consumer, String group, Settings settings,
      Handler handler) {
    this.vertx = vertx;
    this.consumer = consumer;
    this.group = group;
    this.settings = settings;
    this.handler = handler;
    this.maxPerPartition = settings.getInt("kafka.consumer.max.in.flight.per.partition");
    this.maxInFlight = settings.getInt("kafka.consumer.max.in.flight");
    this.retryInitialMs = settings.getLong("kafka.consumer.retry.initial.ms");
    this.retryMaxMs = settings.getLong("kafka.consumer.retry.max.ms");
    this.metrics = new ConsumerMetrics(group, this);
  }

  /** Records with the same order key run in order (default: same partition and record key). */
  public PollLoop orderedBy(Function<KafkaConsumerRecord<String, String>, String> key) {
    this.orderKey = key;
    return this;
  }

  /** The instances a record names, for its dead letter (default: its key and body, see {@link DeadLetter}). */
  public PollLoop naming(Function<KafkaConsumerRecord<String, String>, List<String>> instances) {
    this.instancesNamed = instances;
    return this;
  }

  /** How many records may be in flight per partition and in all (the settings' defaults otherwise). */
  public PollLoop concurrency(int perPartition, int total) {
    if (perPartition < 1 || total < 1) throw new IllegalArgumentException("concurrency must be >= 1");
    this.maxPerPartition = perPartition;
    this.maxInFlight = total;
    return this;
  }

  /** Starts polling; call once the consumer has subscribed (or been assigned its partitions). */
  public void start() {
    running = true;
    consumer.partitionsRevokedHandler(this::revoked);
    metrics.register();
    lagTimer = vertx.setPeriodic(settings.getLong("kafka.consumer.lag.refresh.ms"), t -> refreshLag());
    poll();
  }

  /** Stops polling, commits what is done, and closes the consumer; records still in flight come again later. */
  public Future<Void> stop() {
    running = false;
    if (lagTimer >= 0) vertx.cancelTimer(lagTimer);
    metrics.unregister();
    Map<TopicPartition, OffsetAndMetadata> done = committableOffsets();
    Future<Void> last = done.isEmpty() ? Future.succeededFuture() : consumer.commit(done).<Void>mapEmpty()
        .timeout(CLOSE_TIMEOUT_S, TimeUnit.SECONDS).recover(e -> {
      LOG.warn("{}: last commit failed, its records will come again: {}", group, e.toString());
      return Future.succeededFuture();
    });
    // NOTE: bounded, so a client that does not close (a broker gone) never holds up a service's shutdown.
    return last.eventually(() -> consumer.close().timeout(CLOSE_TIMEOUT_S, TimeUnit.SECONDS))
        .eventually(() -> deadLetters == null ? Future.succeededFuture()
            : deadLetters.close().timeout(CLOSE_TIMEOUT_S, TimeUnit.SECONDS));
  }

  /**
   * True while the loop runs and polled within {@code withinMillis} (give it the consumer's
   * {@code max.poll.interval.ms}: a consumer that has not polled for that long has left its group).
   */
  public boolean alive(long withinMillis) {
    return running && System.currentTimeMillis() - lastPollMillis < withinMillis;
  }

  long lastPollMillis() {
    return lastPollMillis;
  }

  int inFlight() {
    return inFlight;
  }

  private void poll() {
    if (!running) return;
    lastPollMillis = System.currentTimeMillis();
    consumer.poll(POLL).onComplete(ar -> {
      if (ar.failed()) {
        if (running) LOG.warn("{}: poll failed: {}", group, ar.cause().toString());
        vertx.setTimer(500, t -> poll());
        return;
      }
      accept(ar.result());
      startWaiting();
      adjustPauses().onComplete(v -> poll());
    });
  }

  private void accept(KafkaConsumerRecords<String, String> records) {
    for (int i = 0; i < records.size(); i++) {
      KafkaConsumerRecord<String, String> r = records.recordAt(i);
      TopicPartition tp = new TopicPartition(r.topic(), r.partition());
      Partition p = partitions.get(tp);
      if (p == null || r.offset() < p.next) {
        // New to us, or its position went back (we lost it and got it again): start afresh from here; what was in
        // flight from before still finishes, but no longer counts for this partition's commits.
        p = new Partition(tp);
        partitions.put(tp, p);
      }
      p.undone.add(r.offset());
      p.next = r.offset() + 1;
      p.waiting.add(r);
    }
  }

  /** Starts waiting records, round robin over partitions, within the limits. */
  private void startWaiting() {
    boolean started = true;
    while (started && inFlight < maxInFlight) {
      started = false;
      for (Partition p : List.copyOf(partitions.values())) {
        if (inFlight >= maxInFlight) break;
        if (p.waiting.isEmpty() || p.running >= maxPerPartition) continue;
        start(p, p.waiting.poll());
        started = true;
      }
    }
  }

  private void start(Partition p, KafkaConsumerRecord<String, String> r) {
    p.running++;
    inFlight++;
    String key = orderKey.apply(r);
    Future<Void> before = tails.getOrDefault(key, Future.succeededFuture());
    Promise<Void> done = Promise.promise();
    tails.put(key, done.future());
    // NOTE: each attempt starts on a fresh stack: records that complete at once would otherwise start the next one
    // from inside the last one's completion, and a long backlog would overflow the event loop's stack.
    before.onComplete(x -> vertx.runOnContext(v -> attempt(p, r, 1, retryInitialMs, done)));
    done.future().onComplete(ar -> {
      if (tails.get(key) == done.future()) tails.remove(key);
      p.running--;
      inFlight--;
      if (ar.succeeded()) {
        p.undone.remove(r.offset());
        commit();
      }
      if (running) startWaiting();
    });
  }

  private void attempt(Partition p, KafkaConsumerRecord<String, String> r, int attempt, long backoff,
      Promise<Void> done) {
    Future<Void> handled;
    // Each attempt runs as its own request, under the id the record carries, so its log lines and its calls to
    // other services name the request that started it.
    handled = RequestContext.within(vertx, header(r, Topics.REQUEST_ID_HEADER), () -> handler.handle(r));
    handled.onComplete(ar -> {
      if (ar.succeeded()) {
        done.complete();
      } else if (PoisonRecord.isPermanent(ar.cause())) {
        deadLetter(r, ar.cause(), attempt, retryInitialMs).onComplete(done);
      } else if (!running || partitions.get(p.tp) != p) {
        done.fail(ar.cause()); // no longer ours: whoever has the partition now takes the record again
      } else {
        LOG.warn("{}: record {}-{}@{} failed (attempt {}), retrying in {} ms: {}", group, r.topic(), r.partition(),
            r.offset(), attempt, backoff, ar.cause().toString());
        vertx.setTimer(backoff, t -> attempt(p, r, attempt + 1, Math.min(retryMaxMs, backoff * 2), done));
      }
    });
  }

  /** The value of the record's header {@code name}, or null. */
  private static String header(KafkaConsumerRecord<String, String> r, String name) {
    String value = null;
    for (var h : r.headers()) if (h.key().equals(name) && h.value() != null) value = h.value().toString();
    return value;
  }

  /** Sends the record to strato.dead-letters; until Kafka has it the record is not done (retried with back-off). */
  private Future<Void> deadLetter(KafkaConsumerRecord<String, String> r, Throwable cause, int attempts, long backoff) {
    String reason = PoisonRecord.reason(cause);
    Map<String, String> headers = new LinkedHashMap<>();
    r.headers().forEach(h -> headers.put(h.key(), h.value() == null ? null : h.value().toString()));
    List<String> instances;
    try {
      instances = instancesNamed.apply(r);
    } catch (RuntimeException e) {
      instances = List.of();
    }
    DeadLetter letter = DeadLetter.consumed(group, r.topic(), r.partition(), r.offset(), r.key(), headers, r.value(),
        reason, attempts, instances);
    KafkaProducerRecord<String, String> out = KafkaProducerRecord.create(Topics.DEAD_LETTERS, r.key(),
        letter.toJson().encode());
    if (letter.requestId() != null) {
      out.addHeader(KafkaHeader.header(Topics.REQUEST_ID_HEADER, Buffer.buffer(letter.requestId())));
    }
    if (deadLetters == null) {
      deadLetters = KafkaProducer.create(vertx, KafkaSettings.producer(settings, group + "-dead-letters"));
    }
    return deadLetters.send(out).<Void>mapEmpty().onSuccess(v -> {
      metrics.deadLettered(r.topic());
      LOG.error("{}: record {}-{}@{} (key {}) can never be processed, moved to {}: {}", group, r.topic(),
          r.partition(), r.offset(), r.key(), Topics.DEAD_LETTERS, reason);
    }).recover(e -> {
      if (!running) return Future.failedFuture(e);
      LOG.warn("{}: could not dead-letter {}-{}@{}, retrying in {} ms: {}", group, r.topic(), r.partition(),
          r.offset(), backoff, e.toString());
      Promise<Void> later = Promise.promise();
      vertx.setTimer(backoff, t -> deadLetter(r, cause, attempts, Math.min(retryMaxMs, backoff * 2))
          .onComplete(later));
      return later.future();
    });
  }

  /** Pauses the partitions that have records waiting (or no room), resumes the others. */
  private Future<Void> adjustPauses() {
    Set<TopicPartition> pause = new HashSet<>();
    Set<TopicPartition> resume = new HashSet<>();
    boolean full = inFlight >= maxInFlight;
    for (Partition p : partitions.values()) {
      boolean busy = full || !p.waiting.isEmpty() || p.running >= maxPerPartition;
      if (busy && !paused.contains(p.tp)) pause.add(p.tp);
      if (!busy && paused.contains(p.tp)) resume.add(p.tp);
    }
    paused.addAll(pause);
    paused.removeAll(resume);
    Future<Void> paused = pause.isEmpty() ? Future.succeededFuture() : consumer.pause(pause);
    Future<Void> resumed = resume.isEmpty() ? Future.succeededFuture() : consumer.resume(resume);
    return Future.join(paused, resumed).<Void>mapEmpty().recover(e -> Future.succeededFuture());
  }

  /** Partitions taken from us: their waiting records are dropped (their next owner reads them from the commit). */
  private void revoked(Set<TopicPartition> revoked) {
    for (TopicPartition tp : revoked) {
      Partition p = partitions.remove(tp);
      if (p != null) p.waiting.clear();
      paused.remove(tp);
    }
  }

  private Map<TopicPartition, OffsetAndMetadata> committableOffsets() {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (Partition p : partitions.values()) {
      long c = p.committable();
      if (c > p.committed) offsets.put(p.tp, new OffsetAndMetadata(c, ""));
    }
    return offsets;
  }

  /** Commits the partitions that moved; one commit at a time, the next one right after if more completed. */
  private void commit() {
    if (committing) {
      commitAgain = true;
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = committableOffsets();
    if (offsets.isEmpty() || !running) return;
    committing = true;
    consumer.commit(offsets).onComplete(ar -> {
      committing = false;
      if (ar.succeeded()) {
        offsets.forEach((tp, o) -> {
          Partition p = partitions.get(tp);
          if (p != null) p.committed = Math.max(p.committed, o.getOffset());
        });
        if (commitAgain) {
          commitAgain = false;
          commit();
        }
      } else {
        // An eviction or a rebalance under way: what is done is committed again once the group settles.
        LOG.warn("{}: commit failed, trying again in {} ms: {}", group, retryInitialMs, ar.cause().toString());
        commitAgain = false;
        vertx.setTimer(retryInitialMs, t -> commit());
      }
    });
  }

  /**
   * Lag per topic: the records after each assigned partition's committable offset. One measurement at a time, its
   * broker calls one after the other: each may block the client's thread (up to {@code kafka.consumer.api.timeout.ms}
   * with the broker down) and polls wait behind it, so measurements must never pile up.
   */
  private void refreshLag() {
    if (!running || measuringLag) return;
    measuringLag = true;
    consumer.assignment().compose(assigned -> {
      if (assigned.isEmpty()) return Future.succeededFuture(Map.<String, Long>of());
      return consumer.endOffsets(assigned).compose(ends -> {
        Map<String, Long> lag = new HashMap<>();
        Future<Void> positions = Future.succeededFuture();
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
          TopicPartition tp = e.getKey();
          long end = e.getValue();
          Partition p = partitions.get(tp);
          if (p != null && p.next >= 0) {
            lag.merge(tp.getTopic(), Math.max(0, end - p.committable()), Long::sum);
          } else {
            positions = positions.compose(v -> consumer.position(tp)
                .onSuccess(pos -> lag.merge(tp.getTopic(), Math.max(0, end - pos), Long::sum)).mapEmpty());
          }
        }
        return positions.map(v -> lag);
      });
    }).onSuccess(metrics::lag).onFailure(e -> LOG.debug("{}: lag not measured: {}", group, e.toString()))
        .onComplete(v -> measuringLag = false);
  }
}
