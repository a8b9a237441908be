package io.strato.scheduler.bench;

import io.strato.scheduler.host.Aggregate;
import io.strato.scheduler.host.Capacity;
import io.strato.scheduler.host.HostReport;
import io.strato.scheduler.host.HostTraits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A reproducible fleet: four host sizes, four zones of unequal size, SSD / GPU / 25G aggregates,
 * a few ARM hosts, a few disabled hosts and hosts with recent build failures, and each host
 * already 0-50 % used.
 */
final class SyntheticFleet {

    private record HostType(int cpus, long ramMb, long diskGb, int weight) {
    }

    private static final HostType[] TYPES = {
        new HostType(32, 128 * 1024, 1_000, 30),
        new HostType(48, 256 * 1024, 2_000, 30),
        new HostType(64, 512 * 1024, 4_000, 25),
        new HostType(96, 768 * 1024, 8_000, 15),
    };
    private static final String[] ZONES = {"az1", "az1", "az1", "az2", "az2", "az3", "az3", "az4"};

    static final Aggregate SSD = new Aggregate("ssd", Map.of("ssd", "true"));
    static final Aggregate GPU = new Aggregate("gpu", Map.of("gpu", "true"));
    static final Aggregate FAST_NET = new Aggregate("fast-net", Map.of("net", "25g"));

    private SyntheticFleet() {
    }

    static List<HostReport> generate(int hosts, long seed, long nowMillis) {
        SplittableRandom random = new SplittableRandom(seed);
        List<HostReport> reports = new ArrayList<>(hosts);
        for (int i = 0; i < hosts; i++) {
            HostType type = pickType(random);
            List<Aggregate> aggregates = new ArrayList<>(3);
            if (random.nextInt(100) < 30) {
                aggregates.add(SSD);
            }
            if (random.nextInt(100) < 5) {
                aggregates.add(GPU);
            }
            if (random.nextInt(100) < 20) {
                aggregates.add(FAST_NET);
            }
            boolean arm = random.nextInt(100) < 5;
            HostTraits traits = new HostTraits(ZONES[random.nextInt(ZONES.length)], "QEMU", arm ? "aarch64" : "x86_64",
                    random.nextBoolean() ? 8_002_000L : 9_000_000L, aggregates);
            double usedShare = random.nextDouble() * 0.5;
            Capacity vcpus = new Capacity(type.cpus, 2, 4.0, (long) ((type.cpus - 2) * 4.0 * usedShare));
            Capacity ram = new Capacity(type.ramMb, 4096, 1.0, (long) ((type.ramMb - 4096) * usedShare));
            Capacity disk = new Capacity(type.diskGb, 50, 1.0, (long) ((type.diskGb - 50) * usedShare));
            int running = (int) (usedShare * 40);
            boolean enabled = random.nextInt(1000) >= 5;
            int failures = random.nextInt(100) < 1 ? 1 + random.nextInt(3) : 0;
            reports.add(new HostReport(String.format("compute-%06d", i), traits, enabled, nowMillis,
                    vcpus, ram, disk, running, 0, failures, Set.of()));
        }
        return reports;
    }

    private static HostType pickType(SplittableRandom random) {
        int roll = random.nextInt(100);
        for (HostType type : TYPES) {
            roll -= type.weight;
            if (roll < 0) {
                return type;
            }
        }
        return TYPES[TYPES.length - 1];
    }
}
