package io.strato.scheduler.weigher;

import io.strato.scheduler.host.HostState;

/** Mirrors Nova's {@code CPUWeigher}: free vCPUs, {@code total * cpu_allocation_ratio - used}. */
public final class CPUWeigher implements HostWeigher {

    @Override
    public String name() {
        return "CPUWeigher";
    }

    @Override
    public double rawWeight(HostState host) {
        return host.vcpus().total() * host.vcpus().allocationRatio() - host.vcpus().used();
    }

    @Override
    public double defaultMultiplier() {
        return 1.0;
    }
}
