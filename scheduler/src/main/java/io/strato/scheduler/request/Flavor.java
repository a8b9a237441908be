package io.strato.scheduler.request;

import io.strato.scheduler.host.ResourceAmounts;
import java.util.Map;
import java.util.Objects;

/**
 * The flavor of the instances to place. {@code diskGb} is what the host must give: root plus
 * ephemeral disk (zero for a boot-from-volume root).
 *
 * @param extraSpecs the flavor's extra specs, e.g. {@code aggregate_instance_extra_specs:ssd=true}
 */
public record Flavor(String id, int vcpus, long ramMb, long diskGb, Map<String, String> extraSpecs) {

    public Flavor {
        Objects.requireNonNull(id, "id");
        if (vcpus <= 0 || ramMb <= 0 || diskGb < 0) {
            throw new IllegalArgumentException("flavor " + id + " needs vcpus > 0, ram > 0, disk >= 0");
        }
        extraSpecs = extraSpecs == null ? Map.of() : Map.copyOf(extraSpecs);
    }

    public ResourceAmounts amounts() {
        return new ResourceAmounts(vcpus, ramMb, diskGb);
    }
}
