package io.strato.scheduler.host;

import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * What a host is, as opposed to what it has free: zone, aggregates, hypervisor and CPU.
 * Changes only when the operator or the agent says so, never through a claim.
 */
public record HostTraits(
        String availabilityZone,
        String hypervisorType,
        String architecture,
        long hypervisorVersion,
        List<Aggregate> aggregates) {

    /** Nova's {@code default_availability_zone}. */
    public static final String DEFAULT_ZONE = "nova";

    public HostTraits {
        availabilityZone = availabilityZone == null || availabilityZone.isBlank() ? DEFAULT_ZONE : availabilityZone;
        hypervisorType = Objects.requireNonNullElse(hypervisorType, "");
        architecture = Objects.requireNonNullElse(architecture, "");
        aggregates = aggregates == null ? List.of() : List.copyOf(aggregates);
    }

    /**
     * True when some aggregate of this host has metadata {@code key} whose value satisfies
     * {@code test} (Nova merges the metadata of all the host's aggregates into key -> set of values).
     */
    public boolean anyAggregateValue(String key, Predicate<String> test) {
        for (Aggregate aggregate : aggregates) {
            String value = aggregate.metadata().get(key);
            if (value != null && test.test(value)) {
                return true;
            }
        }
        return false;
    }

    /**
     * These traits with the operator's aggregates of the host (os-aggregates) in place of those its agent reported,
     * and the zone they make, when one does.
     */
    public HostTraits withAggregates(String zone, List<Aggregate> operatorAggregates) {
        return new HostTraits(zone == null ? availabilityZone : zone, hypervisorType, architecture, hypervisorVersion,
                operatorAggregates);
    }

    public boolean hasAggregateKey(String key) {
        return anyAggregateValue(key, v -> true);
    }
}
