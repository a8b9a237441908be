package io.strato.scheduler.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.strato.scheduler.Scheduler;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.Objects;

/**
 * The scheduler's own meters, beside Vert.x's, on {@code /metrics}: decisions by outcome and their latency, host
 * reports applied, malformed messages skipped, hosts known.
 */
final class SchedulerMetrics {

    private final Counter scheduled;
    private final Counter noValidHost;
    private final Counter failed;
    private final Counter cancelled;
    private final Counter malformedRequests;
    private final Counter reports;
    private final Counter malformedReports;
    private final Counter supersededReports;
    private final Timer decisions;

    SchedulerMetrics(Scheduler scheduler) {
        // Vert.x's Prometheus registry when metrics are on (StratoVertx), else one nobody scrapes (plain Vert.x in tests).
        MeterRegistry registry = Objects.requireNonNullElseGet(BackendRegistries.getDefaultNow(), SimpleMeterRegistry::new);
        scheduled = outcome(registry, "scheduled");
        noValidHost = outcome(registry, "no_valid_host");
        failed = outcome(registry, "error");
        cancelled = outcome(registry, "cancelled");
        malformedRequests = Counter.builder("strato.scheduler.malformed.messages").tag("topic", "boot-requests")
                .description("Records skipped because they are not valid messages").register(registry);
        malformedReports = Counter.builder("strato.scheduler.malformed.messages").tag("topic", "host-state")
                .description("Records skipped because they are not valid messages").register(registry);
        reports = Counter.builder("strato.scheduler.host.reports").description("Host state reports applied")
                .register(registry);
        supersededReports = Counter.builder("strato.scheduler.host.reports.superseded")
                .description("Host state reports skipped for a later report of the same host in the same poll")
                .register(registry);
        decisions = Timer.builder("strato.scheduler.decision").description("Time to place one boot request")
                .publishPercentiles(0.5, 0.99).register(registry);
        Gauge.builder("strato.scheduler.hosts", scheduler, s -> s.index().size()).description("Hosts known")
                .register(registry);
    }

    private static Counter outcome(MeterRegistry registry, String outcome) {
        return Counter.builder("strato.scheduler.requests").tag("outcome", outcome)
                .description("Boot requests decided, by outcome").register(registry);
    }

    void scheduled(long nanos) {
        scheduled.increment();
        decisions.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    void noValidHost(long nanos) {
        noValidHost.increment();
        decisions.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    void failed() {
        failed.increment();
    }

    /** A request dropped because its instances were deleted before it was decided. */
    void cancelled() {
        cancelled.increment();
    }

    void malformedRequest() {
        malformedRequests.increment();
    }

    void reportApplied() {
        reports.increment();
    }

    void reportSuperseded() {
        supersededReports.increment();
    }

    void malformedReport() {
        malformedReports.increment();
    }
}
