package io.strato.scheduler.service;

import io.strato.common.config.Settings;
import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.Topics;
import io.strato.common.messages.Cancellation;
import io.strato.common.messages.HostAggregates;
import io.strato.common.messages.HostStateReport;
import io.strato.common.messages.ServiceStatus;
import io.strato.scheduler.Scheduler;
import io.strato.scheduler.host.Aggregate;
import io.strato.scheduler.host.HostLiveness;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.common.PartitionInfo;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the host state map fed from {@code strato.host-state} and the operators' switches and host aggregates from
 * {@code strato.service-state} (os-services, os-aggregates): at start-up it replays both (compacted) topics, then follows them. One
 * consumer reads both, so a report and a switch of the same host are never applied side by side. It replays and
 * follows {@code strato.cancellations} too ({@link Cancellations}), so boot requests are taken only once every
 * cancellation written before the scheduler started is known.
 *
 * <p>Not a consumer group: every scheduler process needs every host's state, so this consumer assigns itself all
 * partitions, starts from the beginning and commits nothing. Applying a report is idempotent (the latest report per
 * host wins, in-flight claims are kept), so replaying reports the map already holds is harmless.
 *
 * <p>{@link #caughtUp()} completes once every partition has been read up to the end offset it had when this
 * consumer started: from then on the map knows every host that reported before the scheduler started. A malformed
 * report is logged and skipped. Deploy as a worker: applying a report writes the memory-mapped Chronicle Map.
 *
 * <p>It goes on confirming, every {@code scheduler.reports.confirm.ms}, that it has read every report published up to
 * a moment (the end offsets taken then, reached), and tells {@link HostLiveness}: a broker outage then stops the
 * hosts' silence from counting instead of taking them all down ({@code scheduler.reports.stale.ms}).
 */
final class HostStateConsumer extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(HostStateConsumer.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final Settings settings;
    private final Scheduler scheduler;
    private final SchedulerMetrics metrics;
    private final Cancellations cancellations;
    private final Promise<Void> caughtUp = Promise.promise();
    /** Partitions not read to the end yet, with the end offset seen at start. Touched on this verticle's context only. */
    private final Map<TopicPartition, Long> behind = new HashMap<>();
    private final Set<TopicPartition> assigned = new HashSet<>();
    /** When the end offsets in {@link #behind} were asked for: once reached, the reports are read up to then. */
    private long behindAsOf = -1;
    private boolean askingEnds;
    private long confirmTimer = -1;
    private KafkaConsumer<String, String> consumer;
    private volatile boolean running;

    HostStateConsumer(Settings settings, Scheduler scheduler, SchedulerMetrics metrics, Cancellations cancellations) {
        this.settings = settings;
        this.cancellations = cancellations;
        this.scheduler = scheduler;
        this.metrics = metrics;
    }

    /** Completes once the reports present at start-up are applied. */
    Future<Void> caughtUp() {
        return caughtUp.future();
    }

    @Override
    public Future<?> start() {
        Map<String, String> props = new HashMap<>(KafkaSettings.consumer(settings, "unused"));
        props.remove("group.id");
        props.put("client.id", "strato-scheduler-host-state-" + UUID.randomUUID());
        consumer = KafkaConsumer.create(vertx, props);
        return consumer.partitionsFor(Topics.HOST_STATE).map(HostStateConsumer::partitions)
                .compose(hosts -> consumer.partitionsFor(Topics.SERVICE_STATE).map(HostStateConsumer::partitions)
                        .map(services -> union(hosts, services)))
                .compose(both -> consumer.partitionsFor(Topics.CANCELLATIONS).map(HostStateConsumer::partitions)
                        .map(cancelled -> union(both, cancelled)))
                .compose(this::assignFromBeginning)
                .onSuccess(v -> {
                    running = true;
                    LOG.info("replaying {} from the beginning ({} partitions to catch up)", Topics.HOST_STATE, behind.size());
                    confirmTimer = vertx.setPeriodic(settings.getLong("scheduler.reports.confirm.ms"), t -> askEnds());
                    poll();
                });
    }

    @Override
    public Future<?> stop() {
        running = false;
        if (confirmTimer >= 0) {
            vertx.cancelTimer(confirmTimer);
        }
        return consumer == null ? Future.succeededFuture() : consumer.close();
    }

    private static Set<TopicPartition> union(Set<TopicPartition> a, Set<TopicPartition> b) {
        Set<TopicPartition> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

    private static Set<TopicPartition> partitions(List<PartitionInfo> infos) {
        if (infos.isEmpty()) {
            throw new IllegalStateException("a host state, service state or cancellations topic has no partitions; "
                    + "was it created?");
        }
        return infos.stream().map(i -> new TopicPartition(i.getTopic(), i.getPartition())).collect(Collectors.toSet());
    }

    private Future<Void> assignFromBeginning(Set<TopicPartition> partitions) {
        assigned.addAll(partitions);
        behindAsOf = scheduler.liveness().now();
        return consumer.endOffsets(partitions)
                .compose(ends -> {
                    behind.putAll(ends);
                    return consumer.assign(partitions);
                })
                .compose(v -> consumer.seekToBeginning(partitions));
    }

    private void poll() {
        if (!running) {
            return;
        }
        consumer.poll(POLL).onComplete(ar -> {
            if (ar.failed()) {
                if (running) {
                    LOG.warn("polling {} failed, retrying: {}", Topics.HOST_STATE, ar.cause().toString());
                    vertx.setTimer(500, t -> poll());
                }
                return;
            }
            apply(ar.result());
            checkCaughtUp().onComplete(v -> poll());
        });
    }

    private void apply(KafkaConsumerRecords<String, String> records) {
        Map<String, Integer> latest = latestReports(records);
        for (int i = 0; i < records.size(); i++) {
            KafkaConsumerRecord<String, String> record = records.recordAt(i);
            if (record.topic().equals(Topics.HOST_STATE) && record.key() != null
                    && latest.get(record.key()) != i) {
                // A later report of the same host is in this poll: it replaces this one whole (reports are states,
                // not deltas), so this one is neither parsed nor applied.
                metrics.reportSuperseded();
                continue;
            }
            if (record.value() == null) {
                // NOTE: a tombstone only shrinks the topic; the host's entry stays and drops out of searches once its
                // heartbeat is older than service_down_time, like any host that stopped reporting.
                continue;
            }
            try {
                if (record.topic().equals(Topics.CANCELLATIONS)) {
                    cancellations.add(Cancellation.fromJson(new JsonObject(record.value())));
                    continue;
                }
                if (record.topic().equals(Topics.SERVICE_STATE) && HostAggregates.isOne(new JsonObject(record.value()))) {
                    HostAggregates aggregates = HostAggregates.fromJson(new JsonObject(record.value()));
                    scheduler.applyAggregates(aggregates.host(), new Scheduler.OperatorAggregates(
                            aggregates.availabilityZone(), aggregates.aggregates().stream()
                                    .map(a -> new Aggregate(a.name(), a.metadata())).toList()));
                    LOG.info("aggregates of {}: {} (zone {})", aggregates.host(), aggregates.aggregates().size(),
                            aggregates.availabilityZone());
                    continue;
                }
                if (record.topic().equals(Topics.SERVICE_STATE)) {
                    ServiceStatus status = ServiceStatus.fromJson(new JsonObject(record.value()));
                    scheduler.applyServiceStatus(status.host(), status.takesNewInstances());
                    LOG.info("compute service of {} {}", status.host(),
                            status.takesNewInstances() ? "takes new instances" : "switched off by an operator");
                    continue;
                }
                scheduler.applyReport(HostReports.from(HostStateReport.fromJson(new JsonObject(record.value()))));
                metrics.reportApplied();
            } catch (RuntimeException e) {
                metrics.malformedReport();
                LOG.warn("skipping malformed record on {} (key {}, partition {}, offset {}): {}", record.topic(),
                        record.key(), record.partition(), record.offset(), e.getMessage());
            }
        }
    }

    /**
     * Takes the end offsets of every partition now, to confirm once they are reached that every report published
     * until now was read. One request at a time: with the broker down each blocks the client's thread for up to
     * {@code kafka.consumer.api.timeout.ms}, and polls wait behind it.
     */
    private void askEnds() {
        if (!running || askingEnds || !behind.isEmpty()) {
            return;
        }
        askingEnds = true;
        long asOf = scheduler.liveness().now();
        consumer.endOffsets(assigned).onComplete(ar -> {
            askingEnds = false;
            if (ar.succeeded() && behind.isEmpty()) {
                behind.putAll(ar.result());
                behindAsOf = asOf;
            } else if (ar.failed()) {
                LOG.debug("end offsets of {} not read: {}", Topics.HOST_STATE, ar.cause().toString());
            }
        });
    }

    /** The index of each host's last report in {@code records}. */
    private static Map<String, Integer> latestReports(KafkaConsumerRecords<String, String> records) {
        Map<String, Integer> latest = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            KafkaConsumerRecord<String, String> record = records.recordAt(i);
            if (record.topic().equals(Topics.HOST_STATE) && record.key() != null) latest.put(record.key(), i);
        }
        return latest;
    }

    /** Drops from {@link #behind} the partitions whose position reached the end offset asked for. */
    private Future<Void> checkCaughtUp() {
        if (behind.isEmpty()) {
            caughtUp.tryComplete();
            return Future.succeededFuture();
        }
        List<Future<Long>> positions = Map.copyOf(behind).entrySet().stream()
                .map(e -> consumer.position(e.getKey()).onSuccess(position -> {
                    if (position >= e.getValue()) {
                        behind.remove(e.getKey());
                    }
                }))
                .toList();
        return Future.join(positions).<Void>mapEmpty().onComplete(v -> {
            if (!behind.isEmpty()) {
                return;
            }
            scheduler.liveness().confirmed(behindAsOf, settings.getLong("scheduler.reports.stale.ms"));
            if (caughtUp.tryComplete()) {
                LOG.info("host state caught up with {}: {} hosts known", Topics.HOST_STATE, scheduler.index().size());
            }
        });
    }
}
