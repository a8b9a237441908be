package io.strato.scheduler.host;

import java.util.Objects;

/**
 * Resources the scheduler deducted for an instance that the host's agent has not reported yet.
 * Kept in the host's entry until a report accounts for the instance or the claim expires.
 */
public record InFlightClaim(String instanceId, ResourceAmounts amounts, long claimedAtMillis) {

    public InFlightClaim {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(amounts, "amounts");
    }
}
