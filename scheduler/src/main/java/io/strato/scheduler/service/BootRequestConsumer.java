package io.strato.scheduler.service;

import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.Topics;
import io.strato.common.messages.BootRequest;
import io.strato.scheduler.ScheduleResult;
import io.strato.scheduler.Scheduler;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.producer.KafkaProducer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Steps 6–7 of the boot flow: takes boot requests from {@code strato.boot-requests} in the scheduler's consumer group
 * (scheduler processes share the partitions), places each with {@link Scheduler#schedule}, publishes the outcome
 * ({@link AssignmentPublisher}) and commits.
 *
 * <p>At-least-once, effects before commit: a batch is polled, every record decided and published, and its offsets
 * committed only once Kafka acknowledged every publish of the batch. When a publish fails the consumer seeks back to
 * the batch's first offsets and polls it again; a redelivered request finds its placements in the core's ledger, so
 * it never claims twice and re-publishes the same assignments.
 *
 * <p>A record that is not a boot request is logged, counted and committed (it can never succeed). A request that
 * parses but cannot be decided puts its instances in ERROR instead of leaving them in BUILD.
 *
 * <p>Polling starts only once the host state has caught up, so a restarted scheduler does not fail requests for lack
 * of hosts it has not re-read yet. Deploy as a worker: {@code schedule} runs on this verticle's thread.
 */
final class BootRequestConsumer extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(BootRequestConsumer.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final long RETRY_MS = 1000;

    private final SchedulerServiceConfig config;
    private final Scheduler scheduler;
    private final SchedulerMetrics metrics;
    private final Future<Void> hostStateReady;
    private KafkaConsumer<String, String> consumer;
    private KafkaProducer<String, String> producer;
    private KafkaAdminClient admin;
    private AssignmentPublisher publisher;
    private volatile boolean running;

    BootRequestConsumer(SchedulerServiceConfig config, Scheduler scheduler, SchedulerMetrics metrics,
                        Future<Void> hostStateReady) {
        this.config = config;
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.hostStateReady = hostStateReady;
    }

    @Override
    public Future<?> start() {
        String client = "strato-scheduler-" + UUID.randomUUID();
        Map<String, String> props = new HashMap<>(KafkaSettings.consumer(config.settings(), config.consumerGroup()));
        props.put("client.id", client);
        consumer = KafkaConsumer.create(vertx, props);
        var producerProps = KafkaSettings.producer(config.settings(), client);
        // NOTE: with one topic per host the producer's sender checks every host's topic each time it wakes; letting
        // records gather for a few milliseconds makes those wake-ups rare (a boot request is a batch anyway).
        producerProps.put("linger.ms", "5");
        producer = KafkaProducer.create(vertx, producerProps);
        admin = KafkaAdminClient.create(vertx, KafkaSettings.admin(config.settings()));
        publisher = new AssignmentPublisher(producer, admin, config.assignmentPartitions(),
                (short) config.settings().getInt("kafka.replication.factor"),
                KafkaSettings.maxMessageBytes(config.settings()));
        running = true;
        Future<Void> subscribed = publisher.loadExistingTopics().compose(v -> consumer.subscribe(Topics.BOOT_REQUESTS));
        Future.all(subscribed, hostStateReady).onSuccess(v -> context.runOnContext(x -> poll()));
        return subscribed;
    }

    @Override
    public Future<?> stop() {
        running = false;
        return Future.join(consumer.close(), producer.close(), admin.close());
    }

    private void poll() {
        if (!running) {
            return;
        }
        consumer.poll(POLL).onComplete(ar -> {
            if (ar.failed()) {
                retryLater("polling " + Topics.BOOT_REQUESTS, ar.cause());
            } else if (ar.result().isEmpty()) {
                poll();
            } else {
                process(ar.result());
            }
        });
    }

    private void process(KafkaConsumerRecords<String, String> records) {
        List<Future<Void>> effects = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            effects.add(decide(records.recordAt(i)));
        }
        Future.all(effects)
                .compose(v -> consumer.commit(nextOffsets(records)))
                .onSuccess(v -> poll())
                .onFailure(e -> rewind(records).onComplete(v -> retryLater("a batch of " + records.size()
                        + " boot requests", e)));
    }

    /** Decides one record and publishes the outcome; the future completes when Kafka has it. */
    private Future<Void> decide(KafkaConsumerRecord<String, String> record) {
        BootRequest boot = parse(record);
        if (boot == null) {
            return Future.succeededFuture();
        }
        String requestId = boot.requestId() != null ? boot.requestId() : header(record, Topics.REQUEST_ID_HEADER);
        long started = System.nanoTime();
        try {
            forgetRefusedPlacements(boot);
            ScheduleResult result = scheduler.schedule(RequestSpecs.from(boot));
            return publish(boot, result, requestId, System.nanoTime() - started);
        } catch (RuntimeException e) {
            metrics.failed();
            LOG.error("[{}] could not schedule {}", requestId, boot.instanceIds(), e);
            return publisher.fail(boot, "Failed to schedule the instance: " + e.getMessage(), requestId);
        }
    }

    /**
     * A reschedule (an agent refused or failed the build) names the hosts already tried: a placement recorded on one
     * of them is released (its claim given back) and forgotten, so the instance is placed again elsewhere. A
     * redelivered reschedule finds the new placement, on a host not excluded, and keeps it.
     */
    private void forgetRefusedPlacements(BootRequest boot) {
        for (String instanceId : boot.instanceIds()) {
            scheduler.placementOf(instanceId)
                    .filter(p -> boot.excludedHosts().contains(p.host()))
                    .ifPresent(p -> scheduler.release(instanceId));
        }
    }

    /** The boot request in {@code record}, or null (logged and counted) when it is not one. */
    private BootRequest parse(KafkaConsumerRecord<String, String> record) {
        try {
            if (record.value() == null) {
                throw new IllegalArgumentException("empty record");
            }
            return BootRequest.fromJson(new JsonObject(record.value()));
        } catch (RuntimeException e) {
            metrics.malformedRequest();
            LOG.warn("skipping a record of {} that is not a boot request (partition {}, offset {}): {}",
                    Topics.BOOT_REQUESTS, record.partition(), record.offset(), e.getMessage());
            return null;
        }
    }

    private Future<Void> publish(BootRequest boot, ScheduleResult result, String requestId, long nanos) {
        if (result instanceof ScheduleResult.Scheduled scheduled) {
            metrics.scheduled(nanos);
            scheduled.placements().forEach(p -> LOG.info("[{}] instance {} -> host {} (alternates {})", requestId,
                    p.instanceId(), p.host(), p.alternates()));
            return publisher.assign(boot, scheduled.placements(), requestId);
        }
        String message = ((ScheduleResult.NoValidHost) result).message();
        metrics.noValidHost(nanos);
        LOG.info("[{}] instances {}: {}", requestId, boot.instanceIds(), message);
        return publisher.fail(boot, message, requestId);
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(KafkaConsumerRecords<String, String> records) {
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            KafkaConsumerRecord<String, String> r = records.recordAt(i);
            next.merge(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1, ""),
                    (a, b) -> a.getOffset() >= b.getOffset() ? a : b);
        }
        return next;
    }

    /** Seeks every partition of the batch back to its first record, so the next poll returns the batch again. */
    private Future<Void> rewind(KafkaConsumerRecords<String, String> records) {
        Map<TopicPartition, Long> first = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            KafkaConsumerRecord<String, String> r = records.recordAt(i);
            first.merge(new TopicPartition(r.topic(), r.partition()), r.offset(), Math::min);
        }
        // A partition revoked meanwhile cannot be sought; its new owner starts from the last commit anyway.
        return Future.join(first.entrySet().stream().map(e -> consumer.seek(e.getKey(), e.getValue())).toList())
                .mapEmpty();
    }

    private void retryLater(String what, Throwable cause) {
        if (!running) {
            return;
        }
        LOG.warn("{} failed, retrying in {} ms: {}", what, RETRY_MS, cause.toString());
        vertx.setTimer(RETRY_MS, t -> poll());
    }

    private static String header(KafkaConsumerRecord<String, String> record, String name) {
        return record.headers().stream().filter(h -> h.key().equals(name)).map(h -> h.value().toString())
                .findFirst().orElse(null);
    }
}
