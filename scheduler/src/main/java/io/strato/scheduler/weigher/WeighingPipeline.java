package io.strato.scheduler.weigher;

import io.strato.scheduler.host.HostState;
import java.util.List;
import java.util.Map;

/**
 * Nova's weight handler: each weigher's raw score is normalised to 0..1 between the minimum and
 * maximum over a set of hosts (all equal gives 0), multiplied, and the products summed.
 *
 * <p>Nova normalises over the hosts that passed this request's filters, which needs every
 * passing host. The decision path instead weighs with {@link WeightRanges} taken over the whole
 * fleet (see {@code HostIndex}); {@link #weighAll} is Nova's exact form, used to measure how far
 * the two disagree.
 */
public final class WeighingPipeline {

    private final HostWeigher[] weighers;
    private final double[] multipliers;

    public WeighingPipeline(List<HostWeigher> weighers, Map<String, Double> configuredMultipliers) {
        this.weighers = weighers.toArray(HostWeigher[]::new);
        this.multipliers = new double[this.weighers.length];
        for (int i = 0; i < this.weighers.length; i++) {
            HostWeigher w = this.weighers[i];
            multipliers[i] = w.effectiveMultiplier(configuredMultipliers.getOrDefault(w.name(), w.defaultMultiplier()));
        }
    }

    /** The raw score bounds over {@code hosts}. */
    public WeightRanges rangesOver(Iterable<HostState> hosts) {
        WeightRanges ranges = WeightRanges.empty(weighers.length);
        double[] min = ranges.min();
        double[] max = ranges.max();
        for (HostState host : hosts) {
            for (int i = 0; i < weighers.length; i++) {
                double raw = weighers[i].rawWeight(host);
                min[i] = Math.min(min[i], raw);
                max[i] = Math.max(max[i], raw);
            }
        }
        return new WeightRanges(min, max);
    }

    /** Fills {@code into} with each weigher's raw score of {@code host}. */
    public void rawWeights(HostState host, double[] into) {
        for (int i = 0; i < weighers.length; i++) {
            into[i] = weighers[i].rawWeight(host);
        }
    }

    /**
     * Fills {@code into} with each raw score turned so that higher is better for the weight
     * (negated for a negative multiplier, zero for a zero one): the index keeps maxima of these.
     */
    public void goodness(HostState host, double[] into) {
        for (int i = 0; i < weighers.length; i++) {
            into[i] = Math.signum(multipliers[i]) * weighers[i].rawWeight(host);
        }
    }

    /**
     * The factors {@code |multiplier| / (max - min)} that turn {@link #goodness} into the weight
     * under {@code ranges}: {@code weight = sum(factor_i * goodness_i) + constant}.
     */
    public double[] goodnessFactors(WeightRanges ranges) {
        double[] factors = new double[weighers.length];
        for (int i = 0; i < weighers.length; i++) {
            double span = ranges.max()[i] - ranges.min()[i];
            factors[i] = span > 0 ? Math.abs(multipliers[i]) / span : 0;
        }
        return factors;
    }

    /** The host's weight with scores normalised between {@code ranges}. */
    public double weigh(HostState host, WeightRanges ranges) {
        double[] min = ranges.min();
        double[] max = ranges.max();
        double total = 0;
        for (int i = 0; i < weighers.length; i++) {
            double span = max[i] - min[i];
            if (span > 0) {
                total += multipliers[i] * (weighers[i].rawWeight(host) - min[i]) / span;
            }
        }
        return total;
    }

    /** Nova's exact weights: each host's weight normalised over exactly {@code hosts}. */
    public double[] weighAll(List<HostState> hosts) {
        WeightRanges ranges = rangesOver(hosts);
        double[] weights = new double[hosts.size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = weigh(hosts.get(i), ranges);
        }
        return weights;
    }

    public int size() {
        return weighers.length;
    }
}
