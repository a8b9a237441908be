package io.strato.scheduler;

import java.util.List;
import java.util.Objects;

/**
 * Where one instance goes: the host whose resources were claimed for it, and up to
 * {@code max_attempts - 1} alternates that passed the same filters (not claimed: a reschedule
 * claims on the alternate it tries).
 */
public record Placement(String instanceId, String host, List<String> alternates) {

    public Placement {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(host, "host");
        alternates = alternates == null ? List.of() : List.copyOf(alternates);
    }
}
