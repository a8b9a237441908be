package io.strato.scheduler;

import io.strato.scheduler.host.Aggregate;
import io.strato.scheduler.host.Capacity;
import io.strato.scheduler.host.HostReport;
import io.strato.scheduler.host.HostState;
import io.strato.scheduler.host.HostTraits;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds hosts for tests: 16 vCPUs (ratio 1), 32 GB RAM, 500 GB disk, zone "nova", x86_64 QEMU, alive now. */
public final class TestHosts {

    public static final long NOW = 1_700_000_000_000L;

    private String name;
    private String zone = "nova";
    private String arch = "x86_64";
    private String hvType = "QEMU";
    private long hvVersion = 8_002_000L;
    private final List<Aggregate> aggregates = new ArrayList<>();
    private boolean enabled = true;
    private long heartbeat = NOW;
    private Capacity vcpus = new Capacity(16, 0, 1.0, 0);
    private Capacity ram = new Capacity(32_768, 0, 1.0, 0);
    private Capacity disk = new Capacity(500, 0, 1.0, 0);
    private int instances;
    private int ioOps;
    private int failures;

    private TestHosts(String name) {
        this.name = name;
    }

    public static Clock clock() {
        return Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
    }

    public static TestHosts host(String name) {
        return new TestHosts(name);
    }

    public TestHosts vcpus(Capacity c) {
        vcpus = c;
        return this;
    }

    public TestHosts ram(Capacity c) {
        ram = c;
        return this;
    }

    public TestHosts disk(Capacity c) {
        disk = c;
        return this;
    }

    /** Free resources with ratio 1 and nothing reserved. */
    public TestHosts free(int freeVcpus, long freeRamMb, long freeDiskGb) {
        vcpus = new Capacity(64, 0, 1.0, 64 - freeVcpus);
        ram = new Capacity(262_144, 0, 1.0, 262_144 - freeRamMb);
        disk = new Capacity(4_000, 0, 1.0, 4_000 - freeDiskGb);
        return this;
    }

    public TestHosts zone(String z) {
        zone = z;
        return this;
    }

    public TestHosts arch(String a) {
        arch = a;
        return this;
    }

    public TestHosts hypervisor(String type, long version) {
        hvType = type;
        hvVersion = version;
        return this;
    }

    public TestHosts aggregate(String aggregateName, String key, String value) {
        aggregates.add(new Aggregate(aggregateName, Map.of(key, value)));
        return this;
    }

    public TestHosts disabled() {
        enabled = false;
        return this;
    }

    public TestHosts silentForMillis(long millis) {
        heartbeat = NOW - millis;
        return this;
    }

    public TestHosts instances(int n) {
        instances = n;
        return this;
    }

    public TestHosts ioOps(int n) {
        ioOps = n;
        return this;
    }

    public TestHosts buildFailures(int n) {
        failures = n;
        return this;
    }

    public HostReport report() {
        return report(Set.of());
    }

    public HostReport report(Set<String> instanceIds) {
        return new HostReport(name, new HostTraits(zone, hvType, arch, hvVersion, aggregates), enabled, heartbeat,
                vcpus, ram, disk, instances, ioOps, failures, instanceIds);
    }

    public HostState state() {
        return HostState.fromReport(report(), null, NOW, 600_000);
    }
}
