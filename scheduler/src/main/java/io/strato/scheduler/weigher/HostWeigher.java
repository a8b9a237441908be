package io.strato.scheduler.weigher;

import io.strato.scheduler.host.HostState;

/**
 * Scores a host (Nova's BaseHostWeigher): a raw number, higher meaning "more of what this weigher
 * measures". The {@link WeighingPipeline} normalises raw scores to 0..1 and multiplies them.
 *
 * <p>Contract: the score depends on the host only, never on the request; the host index stores
 * each host's total weight and relies on this.
 */
public interface HostWeigher {

    /** The Nova class name this weigher mirrors; the value used in configuration. */
    String name();

    double rawWeight(HostState host);

    /** Nova's default for this weigher's {@code *_weight_multiplier} option. */
    double defaultMultiplier();

    /**
     * The multiplier applied to the normalised score, given the configured one (Nova's
     * {@code weight_multiplier()}; a weigher that counts bad things inverts it).
     */
    default double effectiveMultiplier(double configured) {
        return configured;
    }
}
