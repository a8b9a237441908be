package io.strato.scheduler.host;

/**
 * The result of a compare-and-set claim.
 *
 * @param claimed true when this claim deducted the resources
 * @param current the host's entry after the attempt: the claimed state when {@code claimed}, else
 *                what another writer left there (null when the host is gone)
 */
public record ClaimOutcome(boolean claimed, HostState current) {
}
