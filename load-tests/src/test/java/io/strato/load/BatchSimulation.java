package io.strato.load;

import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.group;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.strato.common.kafka.Topics;
import io.strato.common.messages.BootBatch;
import io.strato.common.messages.Notification;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka batch provisioning: each virtual user publishes one {@link BootBatch} of {@code load.batch.size} entries
 * (the last one the rest of {@code load.servers}) on {@code strato.boot-batches}, asynchronously (the send's callback
 * records a failure; Gatling's threads never wait on Kafka), then waits without blocking until every entry has ended
 * as seen on {@code strato.instance-events} (read by a consumer started in {@link #before()}), and deletes the servers
 * over REST. Each entry is timed from its batch's publish to its {@code instance.create.end}; two different instances
 * for one idempotency key count as a duplicate, {@code instance.create.error} and {@code batch.refused} as errors.
 *
 * <p>Gatling sees each batch as the group {@code batch}: the report charts its duration (gatling.conf: group duration
 * metric), publish to last entry ended; it is KO when an entry failed, was duplicated, or did not end within
 * {@code load.active.timeout.s}. Assertions: no failed request, no KO batch, every server deleted (204). (Gatling's
 * assertions on a group judge the sum of its requests' times, not its duration, whatever gatling.conf says: time
 * to ACTIVE is therefore bounded by the timeout here and measured by {@link Figures} for the bench line.)
 */
public class BatchSimulation extends Simulation {
  private static final Logger LOG = LoggerFactory.getLogger(BatchSimulation.class);
  static final String GROUP = "batch";
  static final String DELETE = "delete server";
  private final Figures figures = new Figures();
  private final String runId = "load-" + UUID.randomUUID().toString().substring(0, 8);
  private final Map<String, BatchState> batches = new ConcurrentHashMap<>();
  private final AtomicInteger batchNumbers = new AtomicInteger();
  private volatile CloudSetup.Tenant tenant;
  private volatile CloudSetup.Login login;
  private volatile KafkaProducer<String, String> producer;
  private volatile KafkaConsumer<String, String> consumer;
  private volatile boolean consuming = true;
  private Thread consumerThread;

  /** What the consumer learnt about one batch. */
  static final class BatchState {
    final int entries;
    final long t0;
    final Map<String, String> instanceByKey = new ConcurrentHashMap<>();
    final Map<String, Boolean> endedKeys = new ConcurrentHashMap<>();
    final AtomicInteger failed = new AtomicInteger();
    volatile boolean refused;

    BatchState(int entries, long t0) {
      this.entries = entries;
      this.t0 = t0;
    }

    boolean done() {
      return refused || endedKeys.size() >= entries;
    }
  }

  {
    int servers = LoadSettings.servers();
    int size = Math.max(1, LoadSettings.batchSize());
    int count = (servers + size - 1) / size;
    long timeoutNanos = LoadSettings.activeTimeoutSeconds() * 1_000_000_000L;
    String compute = LoadSettings.computeUrl() + "/v2.1";
    ScenarioBuilder publish = scenario("boot batches")
        .group(GROUP).on(
            exec(s -> publish(s, servers, size))
            .asLongAs(s -> !state(s).done() && System.nanoTime() - state(s).t0 < timeoutNanos)
                .on(pause(Duration.ofMillis(50)))
            .exec(s -> {
              BatchState b = state(s);
              if (!b.done()) {
                LOG.warn("batch {}: {} of {} entries ended within the timeout", s.getString("batch"),
                    b.endedKeys.size(), b.entries);
                figures.errors(b.entries - b.endedKeys.size());
                return s.markAsFailed();
              }
              return b.failed.get() > 0 || b.refused ? s.markAsFailed() : s;
            }))
        .exec(s -> s.set("token", login.token())
            .set("instances", new ArrayList<>(state(s).instanceByKey.values())))
        .foreach("#{instances}", "doomed").on(
            exec(http(DELETE).delete(compute + "/servers/#{doomed}").header("X-Auth-Token", "#{token}")
                .check(status().is(204))));
    HttpProtocolBuilder protocol = http.disableWarmUp().acceptHeader("application/json")
        .userAgentHeader("strato-gatling");
    setUp(publish.injectOpen(atOnceUsers(count)))
        .protocols(protocol)
        .assertions(
            global().failedRequests().count().is(0L),
            details(GROUP).failedRequests().count().is(0L),
            details(DELETE).successfulRequests().count().is((long) servers));
  }

  private BatchState state(Session s) {
    return batches.get(s.getString("batch"));
  }

  /** Builds this user's batch and sends it; the callback, not this thread, learns how the send went. */
  private Session publish(Session s, int servers, int size) {
    int n = batchNumbers.getAndIncrement();
    int entries = Math.min(size, servers - n * size);
    String batchId = runId + "-b" + n;
    List<BootBatch.Entry> list = new ArrayList<>();
    for (int i = 0; i < entries; i++) {
      String key = batchId + "-e" + i;
      JsonObject server = new JsonObject().put("name", key).put("imageRef", tenant.imageId())
          .put("flavorRef", tenant.flavorId());
      if (LoadSettings.networks().equals("none")) server.put("networks", "none");
      list.add(new BootBatch.Entry(key, server, null));
    }
    BootBatch batch = new BootBatch(BootBatch.VERSION, UUID.randomUUID().toString(), batchId, login.projectId(),
        login.userId(), new BootBatch.Credential(BootBatch.Credential.TOKEN, login.token()), list);
    long t0 = System.nanoTime();
    figures.started(t0);
    BatchState state = new BatchState(entries, t0);
    batches.put(batchId, state);
    ProducerRecord<String, String> record = new ProducerRecord<>(Topics.BOOT_BATCHES, batchId, batch.toJson().encode());
    record.headers().add(Topics.REQUEST_ID_HEADER,
        ("req-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
    producer.send(record, (meta, error) -> {
      if (error != null) {
        LOG.error("batch {} could not be published: {}", batchId, error.toString());
        figures.errors(entries);
        state.refused = true;
      }
    });
    return s.set("batch", batchId);
  }

  @Override
  public void before() {
    try {
      tenant = CloudSetup.prepare("load-batch");
      login = CloudSetup.login(tenant.userName(), tenant.password(), tenant.projectName());
    } catch (Exception e) {
      throw new IllegalStateException("could not prepare the run: " + e.getMessage(), e);
    }
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, LoadSettings.kafkaBootstrap());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
    producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    producer.partitionsFor(Topics.BOOT_BATCHES); // metadata now, so that send() does not wait for it later

    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, LoadSettings.kafkaBootstrap());
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, runId + "-events");
    consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
    List<TopicPartition> partitions = consumer.partitionsFor(Topics.INSTANCE_EVENTS).stream()
        .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // resolve the end now: nothing published from here on is missed
    consumerThread = new Thread(this::consume, "batch-events");
    consumerThread.setDaemon(true);
    consumerThread.start();
  }

  private void consume() {
    try {
      while (consuming) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) handle(r.value());
      }
    } catch (org.apache.kafka.common.errors.WakeupException e) {
      // stopping
    } finally {
      consumer.close();
    }
  }

  private void handle(String value) {
    Notification n;
    try {
      n = Notification.fromJson(new JsonObject(value));
    } catch (RuntimeException e) {
      return;
    }
    JsonObject p = n.payload();
    BatchState b = batches.get(String.valueOf(p.getString("batch_id")));
    if (b == null) return; // another run's, or no batch's
    long now = System.nanoTime();
    String key = p.getString("idempotency_key");
    String instance = p.getString("instance_id");
    switch (n.eventType()) {
      case Notification.CREATE_START, Notification.CREATE_END -> {
        if (key == null || instance == null) return;
        String known = b.instanceByKey.putIfAbsent(key, instance);
        if (known != null && !known.equals(instance)) {
          LOG.error("duplicate: idempotency key {} made instances {} and {}", key, known, instance);
          figures.duplicate();
          b.failed.incrementAndGet();
        }
        if (n.eventType().equals(Notification.CREATE_END)) {
          if (b.endedKeys.putIfAbsent(key, true) == null) {
            figures.active(b.t0, now);
          } else {
            figures.redelivered();
          }
        }
      }
      case Notification.CREATE_ERROR -> {
        if (key != null && b.endedKeys.putIfAbsent(key, false) == null) {
          LOG.warn("entry {} failed: {}", key, p.getValue("fault"));
          figures.error();
          b.failed.incrementAndGet();
        }
      }
      case Notification.BATCH_REFUSED -> {
        LOG.error("batch {} refused: {}", p.getString("batch_id"), p.getString("reason"));
        figures.errors(b.entries);
        b.refused = true;
      }
      default -> { }
    }
  }

  @Override
  public void after() {
    consuming = false;
    if (consumer != null) consumer.wakeup();
    if (producer != null) producer.close(Duration.ofSeconds(5));
    try {
      if (consumerThread != null) consumerThread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.info("batch figures: {}", figures);
    figures.writeIfAsked();
  }
}
