package io.strato.scheduler.filter;

import io.strato.scheduler.PluginRegistry;
import io.strato.scheduler.host.HostLiveness;

/** Every filter Strato has, by its Nova name. */
public final class Filters {

    private Filters() {
    }

    /** Filters judging liveness by Nova's rule alone (the wall clock against each host's last report). */
    public static PluginRegistry<HostFilter> registry() {
        return registry(null);
    }

    /** Filters judging liveness by {@code liveness} (null: Nova's rule alone). */
    public static PluginRegistry<HostFilter> registry(HostLiveness liveness) {
        return new PluginRegistry<HostFilter>("filter")
                .register("ComputeFilter", (config, clock) -> new ComputeFilter(liveness != null ? liveness
                        : new HostLiveness(clock, config.serviceDownTime().toMillis())))
                .register("RamFilter", (config, clock) -> new RamFilter())
                .register("CoreFilter", (config, clock) -> new CoreFilter())
                .register("DiskFilter", (config, clock) -> new DiskFilter())
                .register("AvailabilityZoneFilter", (config, clock) -> new AvailabilityZoneFilter())
                .register("ImagePropertiesFilter", (config, clock) -> new ImagePropertiesFilter())
                .register("ServerGroupAffinityFilter", (config, clock) -> new ServerGroupAffinityFilter())
                .register("ServerGroupAntiAffinityFilter", (config, clock) -> new ServerGroupAntiAffinityFilter())
                .register("AggregateInstanceExtraSpecsFilter", (config, clock) -> new AggregateInstanceExtraSpecsFilter())
                .register("SameHostFilter", (config, clock) -> new SameHostFilter())
                .register("DifferentHostFilter", (config, clock) -> new DifferentHostFilter())
                .register("NumInstancesFilter", (config, clock) -> new NumInstancesFilter(config.maxInstancesPerHost()))
                .register("IoOpsFilter", (config, clock) -> new IoOpsFilter(config.maxIoOpsPerHost()));
    }
}
