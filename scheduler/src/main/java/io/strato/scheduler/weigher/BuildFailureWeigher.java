package io.strato.scheduler.weigher;

import io.strato.scheduler.host.HostState;

/**
 * Mirrors Nova's {@code BuildFailureWeigher}: recent build failures; its multiplier (default
 * 1,000,000) is inverted, so a failing host sinks below every healthy one.
 */
public final class BuildFailureWeigher implements HostWeigher {

    @Override
    public String name() {
        return "BuildFailureWeigher";
    }

    @Override
    public double rawWeight(HostState host) {
        return host.recentBuildFailures();
    }

    @Override
    public double defaultMultiplier() {
        return 1_000_000.0;
    }

    @Override
    public double effectiveMultiplier(double configured) {
        return -configured;
    }
}
