package io.strato.scheduler.weigher;

import io.strato.scheduler.host.HostState;

/**
 * Mirrors Nova's {@code IoOpsWeigher}: builds in progress; the default multiplier -1.0 prefers
 * idle hosts.
 */
public final class IoOpsWeigher implements HostWeigher {

    @Override
    public String name() {
        return "IoOpsWeigher";
    }

    @Override
    public double rawWeight(HostState host) {
        return host.ioOps();
    }

    @Override
    public double defaultMultiplier() {
        return -1.0;
    }
}
