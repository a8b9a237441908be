package io.strato.scheduler.service;

import io.strato.common.config.Settings;
import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.TopicCreator;
import io.strato.common.kafka.Topics;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The test's side of the broker: publishes what agents and the gateway would, and records everything the scheduler
 * publishes (every per-host assignment topic, even one created after the probe started, and the instance updates),
 * read from the beginning in a group of its own.
 */
final class KafkaProbe implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** One record the scheduler published. */
    record Seen(String topic, int partition, String key, String value, Map<String, String> headers) {
    }

    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> watcher;
    private final List<Seen> seen = new ArrayList<>();

    KafkaProbe(Vertx vertx, Settings settings) {
        // As every Strato service does at start-up: the broker does not auto-create topics.
        await(TopicCreator.ensure(vertx, settings).toCompletionStage().toCompletableFuture());
        producer = new KafkaProducer<>(new HashMap<String, Object>(KafkaSettings.producer(settings, "scheduler-test")));
        Map<String, String> props = new HashMap<>(KafkaSettings.consumer(settings, "scheduler-test-" + UUID.randomUUID()));
        watcher = KafkaConsumer.create(vertx, props);
        watcher.handler(r -> {
            Map<String, String> headers = new HashMap<>();
            r.headers().forEach(h -> headers.put(h.key(), h.value().toString()));
            synchronized (seen) {
                seen.add(new Seen(r.topic(), r.partition(), r.key(), r.value(), headers));
                seen.notifyAll();
            }
        });
        await(watcher.subscribe(Pattern.compile(Pattern.quote(Topics.ASSIGNMENTS) + "|"
                + Pattern.quote(Topics.INSTANCE_UPDATES) + "|" + Pattern.quote(Topics.DEAD_LETTERS)))
                .toCompletionStage().toCompletableFuture());
    }

    /** Publishes and waits for the broker's acknowledgement. */
    void publish(String topic, String key, String value) {
        publish(topic, key, value, null);
    }

    /** Publishes with the request id header, as the gateway's outbox relay does. */
    void publish(String topic, String key, String value, String requestId) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, value);
        if (requestId != null) {
            record.headers().add(Topics.REQUEST_ID_HEADER, requestId.getBytes(StandardCharsets.UTF_8));
        }
        await(producer.send(record));
    }

    /** Waits until {@code count} published records match, and returns them in arrival order. */
    List<Seen> await(int count, Predicate<Seen> match) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        synchronized (seen) {
            while (true) {
                List<Seen> found = seen.stream().filter(match).toList();
                if (found.size() >= count) {
                    return found;
                }
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new AssertionError("saw " + found.size() + " of " + count + " expected records within "
                            + TIMEOUT + "; everything seen: " + seen);
                }
                try {
                    seen.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }
    }

    /** Every matching record seen so far. */
    List<Seen> all(Predicate<Seen> match) {
        synchronized (seen) {
            return seen.stream().filter(match).toList();
        }
    }

    static <T> T await(java.util.concurrent.Future<T> future) {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException | ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        producer.close();
        await(watcher.close().toCompletionStage().toCompletableFuture());
    }
}
