package io.strato.scheduler.weigher;

import java.util.Arrays;

/** The minimum and maximum raw score of each weigher over some set of hosts (normalisation bounds). */
public record WeightRanges(double[] min, double[] max) {

    public WeightRanges {
        min = min.clone();
        max = max.clone();
    }

    static WeightRanges empty(int weighers) {
        double[] min = new double[weighers];
        double[] max = new double[weighers];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        return new WeightRanges(min, max);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WeightRanges r && Arrays.equals(min, r.min) && Arrays.equals(max, r.max);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(min) + Arrays.hashCode(max);
    }

    @Override
    public String toString() {
        return "WeightRanges" + Arrays.toString(min) + ".." + Arrays.toString(max);
    }
}
