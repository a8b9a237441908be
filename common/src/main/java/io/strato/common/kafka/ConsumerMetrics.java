package io.strato.common.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A consumer's health on {@code /metrics} (Prometheus), tagged by consumer group and topic:
 * {@code strato_consumer_lag} (records not yet done, per topic), {@code strato_consumer_last_poll_age_seconds},
 * {@code strato_consumer_in_flight} and {@code strato_consumer_dead_letters_total} (per topic). Nothing is
 * registered when the Vert.x instance has no metrics (plain Vert.x in some tests).
 */
final class ConsumerMetrics {
  private final String group;
  private final PollLoop loop;
  private final MeterRegistry registry = BackendRegistries.getDefaultNow();
  private final Map<String, Long> lagByTopic = new ConcurrentHashMap<>();
  private final List<Meter> meters = new CopyOnWriteArrayList<>();

  ConsumerMetrics(String group, PollLoop loop) {
    this.group = group;
    this.loop = loop;
  }

  void register() {
    if (registry == null) return;
    meters.add(Gauge.builder("strato.consumer.last.poll.age", loop,
            l -> (System.currentTimeMillis() - l.lastPollMillis()) / 1000.0)
        .tag("group", group).baseUnit("seconds").description("Time since the consumer last polled")
        .strongReference(true).register(registry));
    meters.add(Gauge.builder("strato.consumer.in.flight", loop, PollLoop::inFlight).tag("group", group)
        .description("Records taken but not done yet").strongReference(true).register(registry));
  }

  void unregister() {
    if (registry == null) return;
    meters.forEach(registry::remove);
    meters.clear();
  }

  void lag(Map<String, Long> byTopic) {
    byTopic.forEach((topic, lag) -> {
      if (lagByTopic.put(topic, lag) == null && registry != null) {
        meters.add(Gauge.builder("strato.consumer.lag", lagByTopic, m -> m.getOrDefault(topic, 0L))
            .tag("group", group).tag("topic", topic)
            .description("Records of the topic after the consumer's committable offsets")
            .strongReference(true).register(registry));
      }
    });
  }

  void deadLettered(String topic) {
    if (registry == null) return;
    Counter c = Counter.builder("strato.consumer.dead.letters").tag("group", group).tag("topic", topic)
        .description("Records moved to strato.dead-letters because they can never be processed")
        .register(registry);
    if (!meters.contains(c)) meters.add(c);
    c.increment();
  }
}
