package io.strato.scheduler.weigher;

import io.strato.scheduler.host.HostState;

/** Mirrors Nova's {@code DiskWeigher}: free disk, {@code total - reserved - used}. */
public final class DiskWeigher implements HostWeigher {

    @Override
    public String name() {
        return "DiskWeigher";
    }

    @Override
    public double rawWeight(HostState host) {
        return host.diskGb().total() - host.diskGb().reserved() - host.diskGb().used();
    }

    @Override
    public double defaultMultiplier() {
        return 1.0;
    }
}
