package io.strato.scheduler.weigher;

import io.strato.scheduler.host.HostState;

/**
 * Mirrors Nova's {@code RAMWeigher}: free RAM ({@code total - reserved - used}, allocation ratio
 * ignored); a positive multiplier spreads, a negative one stacks.
 */
public final class RAMWeigher implements HostWeigher {

    @Override
    public String name() {
        return "RAMWeigher";
    }

    @Override
    public double rawWeight(HostState host) {
        return host.ramMb().total() - host.ramMb().reserved() - host.ramMb().used();
    }

    @Override
    public double defaultMultiplier() {
        return 1.0;
    }
}
