package io.strato.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.config.Settings;
import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.PoisonRecord;
import io.strato.common.kafka.PollLoop;
import io.strato.common.kafka.TopicCreator;
import io.strato.common.kafka.Topics;
import io.strato.common.messages.DeadLetter;
import io.strato.embedded.SharedInfrastructure;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The shared consumer loop on a real broker: slow work does not hold the consumer or the records behind it, a record
 * that can never be processed goes to strato.dead-letters and the partition goes on, a transient failure is retried.
 */
@ExtendWith(SharedInfrastructure.class)
class PollLoopTest {
  private Settings settings;
  private Vertx vertx;
  private String topic;
  private String group;
  private KafkaProducer<String, String> producer;
  private PollLoop loop;
  private int concurrency;

  @BeforeEach
  void setUp() throws Exception {
    settings = SharedInfrastructure.settings();
    vertx = Vertx.vertx();
    TestIdentity.await(TopicCreator.ensure(vertx, settings));
    topic = "strato.test-loop-" + UUID.randomUUID().toString().substring(0, 8);
    group = "loop-test-" + topic;
    try (Admin admin = Admin.create(new HashMap<String, Object>(KafkaSettings.admin(settings)))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
    producer = KafkaProducer.create(vertx, KafkaSettings.producer(settings, "loop-test"));
  }

  @AfterEach
  void tearDown() {
    if (loop != null) TestIdentity.await(loop.stop());
    TestIdentity.await(producer.close());
    TestIdentity.await(vertx.close());
  }

  private void consume(Map<String, String> extra, Function<KafkaConsumerRecord<String, String>, Future<Void>> h) {
    Map<String, String> config = KafkaSettings.consumer(settings, group);
    config.putAll(extra);
    KafkaConsumer<String, String> consumer = KafkaConsumer.create(vertx, config);
    loop = new PollLoop(vertx, consumer, group, settings, h::apply);
    if (concurrency > 0) loop.concurrency(concurrency, concurrency);
    TestIdentity.await(consumer.subscribe(topic));
    loop.start();
  }

  private void send(String key, String value, Map<String, String> headers) {
    KafkaProducerRecord<String, String> r = KafkaProducerRecord.create(topic, key, value);
    headers.forEach((k, v) -> r.addHeader(KafkaHeader.header(k, Buffer.buffer(v))));
    TestIdentity.await(producer.send(r));
  }

  private static void await(String what, BooleanSupplier condition, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!condition.getAsBoolean()) {
      assertThat(System.currentTimeMillis()).as(what).isLessThan(deadline);
      Thread.sleep(50); // poll with a back-off until the deadline
    }
  }

  private long committed() throws Exception {
    try (Admin admin = Admin.create(new HashMap<String, Object>(KafkaSettings.admin(settings)))) {
      var offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
      var o = offsets.get(new TopicPartition(topic, 0));
      return o == null ? -1 : o.offset();
    }
  }

  @Test
  @DisplayName("a record slower than max.poll.interval.ms neither gets the consumer evicted nor holds up later "
      + "records of other keys; every record is handled exactly once and committed")
  void slowRecordDoesNotBlock() throws Exception {
    Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
    Set<String> done = ConcurrentHashMap.newKeySet();
    Promise<Void> slowStarted = Promise.promise();
    consume(Map.of("max.poll.interval.ms", "2000", "session.timeout.ms", "6000", "heartbeat.interval.ms", "500"),
        r -> {
          handled.computeIfAbsent(r.value(), k -> new AtomicInteger()).incrementAndGet();
          if (!r.value().equals("slow")) {
            done.add(r.value());
            return Future.succeededFuture();
          }
          slowStarted.tryComplete();
          Promise<Void> late = Promise.promise();
          vertx.setTimer(6000, t -> {
            done.add("slow");
            late.complete();
          });
          return late.future();
        });
    send("a", "slow", Map.of());
    TestIdentity.await(slowStarted.future());
    for (int i = 1; i <= 5; i++) send("b" + i, "fast-" + i, Map.of());
    await("records behind the slow one waited for it: " + handled,
        () -> done.containsAll(List.of("fast-1", "fast-2", "fast-3", "fast-4", "fast-5")), 30_000);
    assertThat(done).as("the fast records finished while the slow one still ran").doesNotContain("slow");
    await("the slow record never finished", () -> done.contains("slow"), 30_000);
    await("not everything was committed", () -> {
      try {
        return committed() == 6;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }, 30_000);
    assertThat(handled).allSatisfy((value, count) -> assertThat(count.get()).as(value + " handled").isEqualTo(1));
    assertThat(loop.alive(2000)).isTrue();
  }

  @Test
  @DisplayName("a backlog of thousands of records of one key, released at once, is all handled and committed")
  void longBacklogOfOneKey() throws Exception {
    AtomicInteger handled = new AtomicInteger();
    int count = 5000;
    Promise<Void> gate = Promise.promise();
    consume(Map.of(), r -> {
      handled.incrementAndGet();
      // The first record waits until the whole backlog is buffered; the rest complete at once, one after the other.
      return r.offset() == 0 ? gate.future() : Future.succeededFuture();
    });
    KafkaProducer<String, String> bulk = producer;
    List<Future<?>> sent = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) sent.add(bulk.send(KafkaProducerRecord.create(topic, "same", "r" + i)));
    TestIdentity.await(Future.all(sent));
    vertx.setTimer(2000, t -> gate.complete());
    await("the backlog was not handled: " + handled, () -> handled.get() == count, 60_000);
    await("the backlog was not committed", () -> {
      try {
        return committed() == count;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }, 30_000);
  }

  @Test
  @DisplayName("a record that can never be processed goes to strato.dead-letters with its reason, topic, partition, "
      + "offset, key, headers and instance, and the records after it are processed")
  void poisonIsDeadLettered() throws Exception {
    Set<String> done = ConcurrentHashMap.newKeySet();
    AtomicInteger poisonAttempts = new AtomicInteger();
    consume(Map.of(), r -> {
      // Parsed at the edge: not JSON is a DecodeException there, permanent.
      JsonObject body = PoisonRecord.parsed(() -> new JsonObject(r.value()));
      if (!body.containsKey("n")) poisonAttempts.incrementAndGet();
      done.add(body.getString("n"));
      return Future.succeededFuture();
    });
    String instance = UUID.randomUUID().toString();
    send(instance, "{\"n\": \"first\"}", Map.of());
    send(instance, "this is not JSON \u0000", Map.of(Topics.REQUEST_ID_HEADER, "req-" + instance, "trace", "t-1"));
    send(instance, "{\"n\": \"after\"}", Map.of());
    await("the record after the poison was never processed", () -> done.contains("after"), 30_000);
    DeadLetter letter = deadLetter(instance);
    assertThat(letter.source()).isEqualTo(group);
    assertThat(letter.topic()).isEqualTo(topic);
    assertThat(letter.partition()).isEqualTo(0);
    assertThat(letter.offset()).isEqualTo(1L);
    assertThat(letter.key()).isEqualTo(instance);
    assertThat(letter.payload()).isEqualTo("this is not JSON \u0000");
    assertThat(letter.requestId()).isEqualTo("req-" + instance);
    assertThat(letter.headers().getString("trace")).isEqualTo("t-1");
    assertThat(letter.reason()).contains("DecodeException");
    assertThat(letter.instanceIds()).containsExactly(instance);
    await("the poison was committed past", () -> {
      try {
        return committed() == 3;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }, 30_000);
  }

  @Test
  @DisplayName("a record that fails transiently (a database down) is retried alone with back-off, not dead-lettered, "
      + "while the records of other keys go on")
  void transientFailureIsRetried() throws Exception {
    Set<String> done = ConcurrentHashMap.newKeySet();
    AtomicInteger flakyAttempts = new AtomicInteger();
    consume(Map.of(), r -> {
      if (r.value().equals("flaky") && flakyAttempts.incrementAndGet() <= 3) {
        return Future.failedFuture(new IllegalStateException("database down"));
      }
      done.add(r.value());
      return Future.succeededFuture();
    });
    String key = UUID.randomUUID().toString();
    send(key, "flaky", Map.of());
    send("other", "other", Map.of());
    await("the other key's record waited for the failing one", () -> done.contains("other"), 30_000);
    await("the flaky record was not retried", () -> done.contains("flaky"), 30_000);
    assertThat(flakyAttempts.get()).isEqualTo(4);
    await("not everything was committed", () -> {
      try {
        return committed() == 2;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }, 30_000);
    assertThat(deadLetterOrNull(key, Duration.ofSeconds(2))).as("a transient failure was dead-lettered").isNull();
  }

  @Test
  @DisplayName("a record that parsed but whose effect fails with an IllegalArgumentException is retried, not "
      + "dead-lettered: only a parse failure or a value PostgreSQL refuses is permanent")
  void failureAfterParsingIsTransient() throws Exception {
    Set<String> done = ConcurrentHashMap.newKeySet();
    AtomicInteger attempts = new AtomicInteger();
    consume(Map.of(), r -> {
      JsonObject body = PoisonRecord.parsed(() -> new JsonObject(r.value()));
      if (attempts.incrementAndGet() <= 2) throw new IllegalArgumentException("a bug in an effect, or bad state");
      done.add(body.getString("n"));
      return Future.succeededFuture();
    });
    String key = UUID.randomUUID().toString();
    send(key, "{\"n\": \"effect\"}", Map.of());
    await("the record was not retried after its effect failed", () -> done.contains("effect"), 30_000);
    assertThat(attempts.get()).isEqualTo(3);
    assertThat(deadLetterOrNull(key, Duration.ofSeconds(2))).as("a failure after parsing was dead-lettered").isNull();
  }

  @Test
  @DisplayName("records whose handler answers at once do not recurse on the event loop's stack: a poll of 20,000 "
      + "such records, half of them one key's chain, is handled and committed")
  void handlersThatAnswerAtOnceDoNotOverflowTheStack() throws Exception {
    AtomicInteger handled = new AtomicInteger();
    concurrency = 20_000;
    consume(Map.of("max.poll.records", "20000"), r -> {
      handled.incrementAndGet();
      return Future.succeededFuture();
    });
    List<Future<?>> sent = new java.util.ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      sent.add(producer.send(KafkaProducerRecord.create(topic, i % 2 == 0 ? "chain" : "k" + i, "r" + i)));
    }
    TestIdentity.await(Future.all(sent));
    await("not every record was committed (handled " + handled.get() + ")", () -> {
      try {
        return committed() == 20_000;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }, 60_000);
    assertThat(loop.alive(10_000)).isTrue();
  }

  @Test
  @DisplayName("/metrics shows each consumer's lag, last poll age, records in flight and dead letters, per group and "
      + "topic")
  void metricsShowConsumerHealth() throws Exception {
    Vertx metered = io.strato.common.service.StratoVertx.create();
    try {
      var router = io.strato.common.http.ServiceRouter.create(metered, "test", io.strato.common.http.FaultFormat.COMPUTE,
          1024, new io.strato.common.service.Readiness());
      int port = TestIdentity.await(metered.createHttpServer().requestHandler(router).listen(0)).actualPort();
      Settings fast = settings.with(Map.of("kafka.consumer.lag.refresh.ms", "200"));
      KafkaConsumer<String, String> consumer = KafkaConsumer.create(metered, KafkaSettings.consumer(fast, group));
      PollLoop metering = new PollLoop(metered, consumer, group, fast, r -> {
        PoisonRecord.parsed(() -> new JsonObject(r.value()));
        return Future.succeededFuture();
      });
      TestIdentity.await(consumer.subscribe(topic));
      metering.start();
      send("k", "not JSON", Map.of());
      send("k", "{}", Map.of());
      var web = io.vertx.ext.web.client.WebClient.create(metered);
      String tags = "{group=\"" + group + "\",topic=\"" + topic + "\"}";
      String[] text = {""};
      await("the consumer's health is not on /metrics: " + text[0], () -> {
        text[0] = TestIdentity.await(web.get(port, "127.0.0.1", "/metrics").send()).bodyAsString();
        return value(text[0], "strato_consumer_dead_letters_total" + tags) == 1
            && value(text[0], "strato_consumer_lag" + tags) == 0;
      }, 30_000);
      assertThat(text[0]).contains("strato_consumer_last_poll_age_seconds{group=\"" + group + "\"}")
          .contains("strato_consumer_in_flight{group=\"" + group + "\"}");
    } finally {
      TestIdentity.await(metered.close());
    }
  }

  /** The value of the Prometheus sample named (with its tags) {@code sample}, or -1 when there is none. */
  private static double value(String text, String sample) {
    return text.lines().filter(l -> l.startsWith(sample + " ")).mapToDouble(l -> Double.parseDouble(l.substring(
        sample.length() + 1).trim())).findFirst().orElse(-1);
  }

  private DeadLetter deadLetter(String key) {
    DeadLetter letter = deadLetterOrNull(key, Duration.ofSeconds(30));
    assertThat(letter).as("no dead letter for " + key).isNotNull();
    return letter;
  }

  /** Reads strato.dead-letters from the beginning for the letter keyed {@code key}. */
  private DeadLetter deadLetterOrNull(String key, Duration within) {
    Properties p = new Properties();
    p.putAll(KafkaSettings.consumer(settings, "dead-letter-reader-" + UUID.randomUUID()));
    try (var reader = new org.apache.kafka.clients.consumer.KafkaConsumer<String, String>(p)) {
      reader.subscribe(List.of(Topics.DEAD_LETTERS));
      long deadline = System.currentTimeMillis() + within.toMillis();
      while (System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> r : reader.poll(Duration.ofMillis(500))) {
          if (key.equals(r.key())) return DeadLetter.fromJson(new JsonObject(r.value()));
        }
      }
      return null;
    }
  }
}
