package io.strato.scheduler.service;

import io.strato.common.faults.PausePoints;
import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.PoisonRecord;
import io.strato.common.kafka.PollLoop;
import io.strato.common.kafka.Topics;
import io.strato.common.messages.BootRequest;
import io.strato.common.messages.ResizeOrder;
import io.strato.scheduler.ScheduleResult;
import io.strato.scheduler.Scheduler;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaProducer;
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
 * <p>At-least-once, effects before commit ({@link PollLoop}): a record's offset is committed once Kafka acknowledged
 * every publish it caused. A publish that fails (transient) is retried for that record alone; a redelivered request
 * finds its placements in the core's ledger, so it never claims twice and re-publishes the same assignments.
 *
 * <p>A record that is not a boot request (not JSON, a wrong type, a missing field, an unknown version, no instances,
 * an instance id that is not a UUID) is permanent ({@link PoisonRecord#parsed}): it is counted and goes to
 * strato.dead-letters naming the instances it lists, which the conductor then ends in ERROR. A request that parses
 * but cannot be decided puts its instances in ERROR instead of leaving them in BUILD; a publish that fails is
 * transient and retried.
 *
 * <p>Polling starts only once the host state has caught up, so a restarted scheduler does not fail requests for lack
 * of hosts it has not re-read yet. Deploy as a worker: {@code schedule} runs on this verticle's thread.
 */
final class BootRequestConsumer extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(BootRequestConsumer.class);
    /** Pause points (test only): placed and claimed, assignments not sent; assignments sent, offset not committed. */
    static final String CLAIMED = "scheduler-claimed";
    static final String PUBLISHED = "scheduler-published";

    private final SchedulerServiceConfig config;
    private final Scheduler scheduler;
    private final SchedulerMetrics metrics;
    private final Future<Void> hostStateReady;
    private final Cancellations cancellations;
    private PollLoop loop;
    private KafkaProducer<String, String> producer;
    private AssignmentPublisher publisher;
    private ResizePlacer resizes;
    private PausePoints pauses;

    BootRequestConsumer(SchedulerServiceConfig config, Scheduler scheduler, SchedulerMetrics metrics,
                        Future<Void> hostStateReady, Cancellations cancellations) {
        this.config = config;
        this.cancellations = cancellations;
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.hostStateReady = hostStateReady;
    }

    @Override
    public Future<?> start() {
        String client = "strato-scheduler-" + UUID.randomUUID();
        Map<String, String> props = new HashMap<>(KafkaSettings.consumer(config.settings(), config.consumerGroup()));
        props.put("client.id", client);
        KafkaConsumer<String, String> consumer = KafkaConsumer.create(vertx, props);
        var producerProps = KafkaSettings.producer(config.settings(), client);
        // NOTE: letting a poll's assignments gather for a few milliseconds sends them as one batch per partition of
        // strato.assignments (a boot request is a batch anyway).
        producerProps.put("linger.ms", "5");
        producer = KafkaProducer.create(vertx, producerProps);
        publisher = new AssignmentPublisher(producer);
        resizes = new ResizePlacer(scheduler,
                Boolean.parseBoolean(config.settings().get("scheduler.allow.resize.to.same.host")), publisher);
        pauses = PausePoints.of(vertx, config.settings());
        loop = new PollLoop(vertx, consumer, config.consumerGroup(), config.settings(), this::decide);
        Future<Void> subscribed = consumer.subscribe(Topics.BOOT_REQUESTS);
        Future.all(subscribed, hostStateReady).onSuccess(v -> context.runOnContext(x -> loop.start()));
        return subscribed;
    }

    @Override
    public Future<?> stop() {
        return Future.join(loop.stop(), producer.close());
    }

    /** Polling, within Kafka's max.poll.interval.ms (false before the host state has caught up). */
    boolean alive() {
        return loop != null && loop.alive(KafkaSettings.maxPollIntervalMs(config.settings()));
    }

    /** Decides one record and publishes the outcome; the future completes when Kafka has it. */
    private Future<Void> decide(KafkaConsumerRecord<String, String> record) {
        if (record.value() != null && record.value().contains(ResizeOrder.TYPE)) {
            ResizeOrder order = parseResize(record);
            if (order != null) return resizes.place(order);
        }
        BootRequest boot = parse(record);
        String requestId = boot.requestId() != null ? boot.requestId() : header(record, Topics.REQUEST_ID_HEADER);
        long started = System.nanoTime();
        List<String> live = liveInstances(boot);
        if (live.isEmpty()) {
            metrics.cancelled();
            LOG.info("[{}] instances {} were deleted before they were placed: nothing claimed", requestId,
                    boot.instanceIds());
            return Future.succeededFuture();
        }
        try {
            forgetRefusedPlacements(boot);
            ScheduleResult result = scheduler.schedule(RequestSpecs.from(boot, live));
            return publish(boot, live, result, requestId, System.nanoTime() - started);
        } catch (RuntimeException e) {
            metrics.failed();
            LOG.error("[{}] could not schedule {}", requestId, live, e);
            return publisher.fail(boot, live, "Failed to schedule the instance: " + e.getMessage(), requestId);
        }
    }

    /**
     * The instances of {@code boot} to place: those deleted before any host took them ({@link Cancellations}) are
     * dropped before anything is claimed. One placed already (a redelivered request) stays: its assignment may be out,
     * and the agent that gets it again finds the instance deleted and gives its claim back.
     */
    private List<String> liveInstances(BootRequest boot) {
        return boot.instanceIds().stream()
                .filter(id -> !cancellations.isCancelled(id) || scheduler.placementOf(id).isPresent()).toList();
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

    /** The resize order in {@code record}; null when it is not one; a {@link PoisonRecord} when it is but is bad. */
    private ResizeOrder parseResize(KafkaConsumerRecord<String, String> record) {
        io.vertx.core.json.JsonObject json = PoisonRecord.json(record.value());
        if (!ResizeOrder.TYPE.equals(json.getValue("type"))) return null;
        try {
            return ResizeOrder.fromJson(json);
        } catch (RuntimeException e) {
            metrics.malformedRequest();
            throw new PoisonRecord("not a valid resize order: " + e.getMessage(), e);
        }
    }

    /**
     * The boot request in {@code record}, read and validated at the edge (every instance named by a UUID), or a
     * {@link PoisonRecord} (counted) saying why it is not one.
     */
    private BootRequest parse(KafkaConsumerRecord<String, String> record) {
        try {
            return PoisonRecord.parsed(() -> {
                BootRequest boot = BootRequest.fromJson(PoisonRecord.json(record.value()));
                boot.instanceIds().forEach(id -> PoisonRecord.uuid("instance_id", id));
                return boot;
            });
        } catch (PoisonRecord e) {
            metrics.malformedRequest();
            throw new PoisonRecord("not a valid boot request: " + e.getMessage(), e);
        }
    }

    private Future<Void> publish(BootRequest boot, List<String> live, ScheduleResult result, String requestId,
                                 long nanos) {
        if (result instanceof ScheduleResult.Scheduled scheduled) {
            metrics.scheduled(nanos);
            // DEBUG: one line per boot would be a measurable share of the scheduler's work in a storm; the placement
            // shows in the instance's host and its action events, and the metrics count decisions.
            if (LOG.isDebugEnabled()) {
                scheduled.placements().forEach(p -> LOG.debug("[{}] instance {} -> host {} (alternates {})", requestId,
                        p.instanceId(), p.host(), p.alternates()));
            }
            // Test-only pause points (PausePoints): a kill -9 after the claims, before the assignments leave, and
            // after Kafka has them, before the offset is committed.
            String instance = boot.instanceIds().get(0);
            return pauses.at(CLAIMED, boot.build(), instance)
                    .compose(v -> publisher.assign(boot, scheduled.placements(), requestId))
                    .compose(v -> pauses.at(PUBLISHED, boot.build(), instance));
        }
        String message = ((ScheduleResult.NoValidHost) result).message();
        metrics.noValidHost(nanos);
        LOG.info("[{}] instances {}: {}", requestId, live, message);
        return publisher.fail(boot, live, message, requestId);
    }

    private static String header(KafkaConsumerRecord<String, String> record, String name) {
        return record.headers().stream().filter(h -> h.key().equals(name)).map(h -> h.value().toString())
                .findFirst().orElse(null);
    }
}
