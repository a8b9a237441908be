package io.strato.scheduler.weigher;

import io.strato.scheduler.PluginRegistry;

/** Every weigher Strato has, by its Nova name. */
public final class Weighers {

    private Weighers() {
    }

    public static PluginRegistry<HostWeigher> registry() {
        return new PluginRegistry<HostWeigher>("weigher")
                .register("RAMWeigher", (config, clock) -> new RAMWeigher())
                .register("CPUWeigher", (config, clock) -> new CPUWeigher())
                .register("DiskWeigher", (config, clock) -> new DiskWeigher())
                .register("IoOpsWeigher", (config, clock) -> new IoOpsWeigher())
                .register("BuildFailureWeigher", (config, clock) -> new BuildFailureWeigher());
    }
}
