package io.strato.scheduler.bench;

import io.strato.scheduler.PlacementLedger;
import io.strato.scheduler.ScheduleResult;
import io.strato.scheduler.Scheduler;
import io.strato.scheduler.SchedulerConfig;
import io.strato.scheduler.host.HostReport;
import io.strato.scheduler.host.HostStateStore;
import io.strato.scheduler.request.RequestSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Benchmarks the real decision path ({@link Scheduler#schedule}: ledger look-up, index search,
 * every filter, weights, compare-and-set claim on a persisted Chronicle Map, ledger write) over a
 * synthetic fleet, one line per fleet size:
 *
 * <pre>scheduler hosts=10000 decisions_per_s=NNN p50_us=NNN p99_us=NNN regret_pct=N.N</pre>
 *
 * <p>Method: one scheduling thread; a warm-up, then several measured iterations, each decision
 * timed with {@code System.nanoTime()} and every duration kept for exact percentiles.
 * {@code decisions_per_s} is decisions divided by the time spent inside {@code schedule}. The
 * index refresh runs every second on its own thread, as in the service. To keep hosts from
 * filling up, the oldest placement is released once {@code 2 x hosts} are live (as if their
 * builds finished and freed their claims), outside the timed section. Every {@code hosts/100}-th
 * decision (at least every 10th) is also answered by brute force before it is made, outside the
 * timed section, with Nova's exact normalisation over the passing hosts: {@code regret_pct} is the
 * average of {@code (best - chosen) / best * 100} over those samples.
 *
 * <p>Arguments (all optional): {@code --sizes=1000,10000,100000 --warmup-s=3 --iterations=5
 * --iteration-s=2}.
 */
public final class SchedulerBenchmark {

    private final int warmupSeconds;
    private final int iterations;
    private final int iterationSeconds;

    private SchedulerBenchmark(int warmupSeconds, int iterations, int iterationSeconds) {
        this.warmupSeconds = warmupSeconds;
        this.iterations = iterations;
        this.iterationSeconds = iterationSeconds;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        int[] sizes = Arrays.stream(options.getOrDefault("sizes", "1000,10000,100000").split(","))
                .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        SchedulerBenchmark bench = new SchedulerBenchmark(
                Integer.parseInt(options.getOrDefault("warmup-s", "3")),
                Integer.parseInt(options.getOrDefault("iterations", "5")),
                Integer.parseInt(options.getOrDefault("iteration-s", "2")));
        for (int size : sizes) {
            System.out.println(bench.run(size));
            System.out.flush();
        }
    }

    private String run(int hosts) throws IOException {
        Path dir = Files.createTempDirectory("strato-scheduler-bench");
        Clock clock = Clock.systemUTC();
        SchedulerConfig config = SchedulerConfig.defaults().withFilters(RequestMix.filters());
        int window = hosts * 2;
        ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "index-refresh");
            t.setDaemon(true);
            return t;
        });
        try (HostStateStore store = HostStateStore.open(dir.resolve("host-state.cm"), hosts, Duration.ofHours(1), clock);
             PlacementLedger ledger = PlacementLedger.open(dir.resolve("placements.cm"), window + window / 4)) {
            for (HostReport report : SyntheticFleet.generate(hosts, 42L + hosts, clock.millis())) {
                store.upsertFromReport(report);
            }
            Scheduler scheduler = new Scheduler(config, store, ledger, hosts, clock);
            refresher.scheduleWithFixedDelay(scheduler::refreshIndex, 1, 1, TimeUnit.SECONDS);
            RequestMix mix = new RequestMix(7L * hosts);
            ArrayDeque<String> live = new ArrayDeque<>(window + 1);
            RegretProbe probe = new RegretProbe(scheduler.index(), scheduler.filters());
            int sampleEvery = Math.max(10, hosts / 100);

            runFor(warmupSeconds, scheduler, mix, live, window, null, null, sampleEvery);
            LatencyRecorder latencies = new LatencyRecorder();
            for (int i = 0; i < iterations; i++) {
                runFor(iterationSeconds, scheduler, mix, live, window, latencies, probe, sampleEvery);
            }
            double perSecond = latencies.count() / (latencies.totalNanos() / 1e9);
            return String.format(Locale.ROOT, "scheduler hosts=%d decisions_per_s=%d p50_us=%d p99_us=%d regret_pct=%.1f",
                    hosts, Math.round(perSecond), Math.round(latencies.percentileMicros(50)),
                    Math.round(latencies.percentileMicros(99)), probe.averageRegretPct());
        } finally {
            refresher.shutdownNow();
            deleteRecursively(dir);
        }
    }

    private static void runFor(int seconds, Scheduler scheduler, RequestMix mix, ArrayDeque<String> live, int window,
                               LatencyRecorder latencies, RegretProbe probe, int sampleEvery) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long decisions = 0;
        while (System.nanoTime() < end) {
            RequestSpec request = mix.next();
            boolean sample = probe != null && decisions % sampleEvery == 0;
            Map<String, Double> exact = sample ? probe.exactWeights(request) : null;

            long start = System.nanoTime();
            ScheduleResult result = scheduler.schedule(request);
            long took = System.nanoTime() - start;

            decisions++;
            if (latencies != null) {
                latencies.record(took);
            }
            if (result instanceof ScheduleResult.Scheduled scheduled) {
                String host = scheduled.placements().get(0).host();
                if (sample) {
                    probe.record(exact, host);
                }
                live.addLast(request.instanceIds().get(0));
                if (live.size() > window) {
                    scheduler.release(live.removeFirst());
                }
            } else if (sample && !exact.isEmpty()) {
                throw new IllegalStateException("no host found although " + exact.size() + " pass: " + result);
            }
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new java.util.HashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("expected --name=value, got " + arg);
            }
            options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        return options;
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

