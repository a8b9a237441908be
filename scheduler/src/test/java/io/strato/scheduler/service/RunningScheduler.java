package io.strato.scheduler.service;

import io.strato.common.config.Settings;
import io.strato.embedded.Ports;
import io.strato.scheduler.host.HostState;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/** A {@link SchedulerService} deployed for a test, with its files in {@code dir} and its own HTTP port. */
final class RunningScheduler implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final long POLL_NANOS = Duration.ofMillis(50).toNanos();

    final SchedulerService service;
    final int port;
    private final Vertx vertx;
    private final String deployment;

    private RunningScheduler(Vertx vertx, SchedulerService service, int port, String deployment) {
        this.vertx = vertx;
        this.service = service;
        this.port = port;
        this.deployment = deployment;
    }

    static RunningScheduler start(Vertx vertx, Settings shared, Path dir) {
        int port = Ports.free();
        Settings settings = shared.with(Map.of("scheduler.port", String.valueOf(port),
                "scheduler.map.file", dir.resolve("host-state.dat").toString(),
                "scheduler.ledger.file", dir.resolve("placements.dat").toString(),
                "scheduler.max.hosts", "2000"));
        SchedulerService service = new SchedulerService(SchedulerServiceConfig.from(settings));
        String id = KafkaProbe.await(vertx.deployVerticle(service).toCompletionStage().toCompletableFuture());
        return new RunningScheduler(vertx, service, port, id);
    }

    /** Polls {@code GET /readyz} until it answers 200; returns the last body. */
    String awaitReady() {
        return until("GET /readyz answering 200", () -> {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Optional.of(r.body()) : Optional.empty();
        });
    }

    /** Waits until the service holds a state of {@code host} that satisfies {@code condition}. */
    HostState awaitHost(String host, Predicate<HostState> condition) {
        return until("host " + host + " in the expected state",
                () -> service.hostState(host).filter(condition));
    }

    HostState awaitHost(String host) {
        return awaitHost(host, h -> true);
    }

    interface Probe<T> {
        Optional<T> attempt() throws Exception;
    }

    static <T> T until(String what, Probe<T> probe) {
        long deadline = System.nanoTime() + KafkaProbe.TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                Optional<T> found = probe.attempt();
                if (found.isPresent()) {
                    return found.get();
                }
            } catch (Exception e) {
                last = e;
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        throw new AssertionError("no " + what + " within " + KafkaProbe.TIMEOUT, last);
    }

    @Override
    public void close() {
        KafkaProbe.await(vertx.undeploy(deployment).toCompletionStage().toCompletableFuture());
    }
}
