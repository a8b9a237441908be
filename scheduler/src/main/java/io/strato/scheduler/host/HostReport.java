package io.strato.scheduler.host;

import java.util.Objects;
import java.util.Set;

/**
 * A compute agent's resource report (the payload of {@code strato.host-state}), the agent being
 * the authority on its own usage.
 *
 * @param instanceIds every instance the agent has accounted for in the usage figures (running or
 *                    building); the scheduler keeps its in-flight claims for any other instance
 */
public record HostReport(
        String host,
        HostTraits traits,
        boolean enabled,
        long heartbeatMillis,
        Capacity vcpus,
        Capacity ramMb,
        Capacity diskGb,
        int runningInstances,
        int ioOps,
        int recentBuildFailures,
        Set<String> instanceIds) {

    public HostReport {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(traits, "traits");
        Objects.requireNonNull(vcpus, "vcpus");
        Objects.requireNonNull(ramMb, "ramMb");
        Objects.requireNonNull(diskGb, "diskGb");
        if (runningInstances < 0 || ioOps < 0 || recentBuildFailures < 0) {
            throw new IllegalArgumentException("negative counters in report of " + host);
        }
        instanceIds = instanceIds == null ? Set.of() : Set.copyOf(instanceIds);
    }

    /** The same report with other traits (the operator's aggregates and zone). */
    public HostReport withTraits(HostTraits other) {
        return new HostReport(host, other, enabled, heartbeatMillis, vcpus, ramMb, diskGb, runningInstances, ioOps,
                recentBuildFailures, instanceIds);
    }

    /** The same report with the compute service disabled (an operator's switch overrides the agent's). */
    public HostReport disabled() {
        return new HostReport(host, traits, false, heartbeatMillis, vcpus, ramMb, diskGb, runningInstances, ioOps,
                recentBuildFailures, instanceIds);
    }
}
