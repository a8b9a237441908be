package io.strato.scheduler;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The scheduler's decision settings, with Nova's defaults ({@code [filter_scheduler]} options).
 *
 * @param enabledFilters    filter names in the order they run (Nova's {@code enabled_filters})
 * @param weighers          weigher names (Nova's {@code weight_classes})
 * @param weightMultipliers multiplier per weigher name; a weigher not listed keeps its Nova default
 * @param maxAttempts       hosts returned per instance: the chosen one plus {@code maxAttempts - 1} alternates
 * @param serviceDownTime   a host silent for longer is down ({@code service_down_time})
 * @param inFlightClaimTtl  how long a claim no report accounts for is kept
 */
public record SchedulerConfig(
        List<String> enabledFilters,
        List<String> weighers,
        Map<String, Double> weightMultipliers,
        int maxAttempts,
        int maxIoOpsPerHost,
        int maxInstancesPerHost,
        Duration serviceDownTime,
        Duration inFlightClaimTtl) {

    /**
     * Nova's pre-placement default filters (Queens) without RetryFilter: Strato has no placement
     * service, so RAM, vCPU and disk are checked by filters.
     */
    public static final List<String> DEFAULT_FILTERS = List.of(
            "AvailabilityZoneFilter", "RamFilter", "CoreFilter", "DiskFilter", "ComputeFilter",
            "ImagePropertiesFilter", "ServerGroupAntiAffinityFilter", "ServerGroupAffinityFilter");

    /** Nova's {@code nova.scheduler.weights.all_weighers}, restricted to those Strato has. */
    public static final List<String> DEFAULT_WEIGHERS = List.of(
            "RAMWeigher", "CPUWeigher", "DiskWeigher", "IoOpsWeigher", "BuildFailureWeigher");

    public SchedulerConfig {
        enabledFilters = List.copyOf(enabledFilters);
        weighers = List.copyOf(weighers);
        weightMultipliers = Map.copyOf(weightMultipliers);
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max_attempts must be at least 1: " + maxAttempts);
        }
        if (maxIoOpsPerHost < 1 || maxInstancesPerHost < 1) {
            throw new IllegalArgumentException("max_io_ops_per_host and max_instances_per_host must be at least 1");
        }
    }

    public static SchedulerConfig defaults() {
        return new SchedulerConfig(DEFAULT_FILTERS, DEFAULT_WEIGHERS, Map.of(), 3, 8, 50,
                Duration.ofSeconds(60), Duration.ofMinutes(10));
    }

    public SchedulerConfig withFilters(List<String> filters) {
        return new SchedulerConfig(filters, weighers, weightMultipliers, maxAttempts, maxIoOpsPerHost,
                maxInstancesPerHost, serviceDownTime, inFlightClaimTtl);
    }

    public SchedulerConfig withWeighers(List<String> names, Map<String, Double> multipliers) {
        return new SchedulerConfig(enabledFilters, names, multipliers, maxAttempts, maxIoOpsPerHost,
                maxInstancesPerHost, serviceDownTime, inFlightClaimTtl);
    }

    public SchedulerConfig withMaxAttempts(int attempts) {
        return new SchedulerConfig(enabledFilters, weighers, weightMultipliers, attempts, maxIoOpsPerHost,
                maxInstancesPerHost, serviceDownTime, inFlightClaimTtl);
    }
}
