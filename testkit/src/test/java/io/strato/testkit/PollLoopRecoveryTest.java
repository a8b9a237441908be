package io.strato.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.config.Settings;
import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.PollLoop;
import io.strato.embedded.SharedInfrastructure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A consumer that stalled longer than {@code max.poll.interval.ms} (its whole process paused) is evicted from its group
 * and its commit fails; the loop must poll again (rejoin) rather than retry the commit for ever, so what follows is
 * consumed too. The same holds for a handler that fails (a database down) and then recovers.
 */
@ExtendWith(SharedInfrastructure.class)
class PollLoopRecoveryTest {

  @Test
  @DisplayName("a consumer evicted after a stall rejoins its group and consumes what follows")
  void evictedConsumerRecovers() throws Exception {
    Settings settings = SharedInfrastructure.settings();
    String topic = "strato.test-poll-" + UUID.randomUUID().toString().substring(0, 8);
    try (Admin admin = Admin.create(new HashMap<String, Object>(KafkaSettings.admin(settings)))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
    Vertx vertx = Vertx.vertx();
    Map<String, String> config = KafkaSettings.consumer(settings, "poll-test-" + topic);
    config.put("max.poll.interval.ms", "2000");
    config.put("session.timeout.ms", "6000");
    config.put("heartbeat.interval.ms", "500");
    KafkaConsumer<String, String> consumer = KafkaConsumer.create(vertx, config);
    Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
    AtomicInteger failuresLeft = new AtomicInteger(2);
    java.util.Set<String> succeeded = ConcurrentHashMap.newKeySet();
    PollLoop loop = new PollLoop(vertx, consumer, "poll-test-" + topic, settings, r -> {
      handled.computeIfAbsent(r.value(), k -> new AtomicInteger()).incrementAndGet();
      if (r.value().equals("slow") && handled.get("slow").get() == 1) {
        // A process that stalls (a long GC pause, a starved machine) longer than max.poll.interval.ms: it does not
        // poll, the group evicts it, and its next commit fails.
        try {
          Thread.sleep(4000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (r.value().equals("flaky") && failuresLeft.getAndDecrement() > 0) {
        return Future.failedFuture(new IllegalStateException("database down"));
      }
      succeeded.add(r.value());
      return Future.succeededFuture();
    });
    TestIdentity.await(consumer.subscribe(topic));
    loop.start();
    KafkaProducer<String, String> producer = KafkaProducer.create(vertx, KafkaSettings.producer(settings, "poll-test"));
    TestIdentity.await(producer.send(KafkaProducerRecord.create(topic, "k", "slow")));
    long deadline = System.currentTimeMillis() + 60_000;
    while (handled.get("slow") == null) {
      assertThat(System.currentTimeMillis()).as("the first record never arrived").isLessThan(deadline);
      Thread.sleep(50);
    }
    TestIdentity.await(producer.send(KafkaProducerRecord.create(topic, "k", "flaky")));
    TestIdentity.await(producer.send(KafkaProducerRecord.create(topic, "k", "after")));
    while (!succeeded.contains("after")) {
      assertThat(System.currentTimeMillis()).as("consumption stopped after the eviction: " + handled)
          .isLessThan(deadline);
      Thread.sleep(100);
    }
    assertThat(succeeded).as("the stalled record was done").contains("slow");
    assertThat(handled.get("flaky").get()).as("the failed record was retried").isGreaterThanOrEqualTo(3);
    assertThat(loop.alive(2000)).isTrue();
    TestIdentity.await(loop.stop());
    TestIdentity.await(producer.close());
    TestIdentity.await(vertx.close());
  }
}
