package io.strato.scheduler.index;

import io.strato.scheduler.weigher.WeightRanges;
import java.util.Arrays;

/** Running minimum and maximum of each weigher's raw score. */
final class RangeAccumulator {

    private final double[] min;
    private final double[] max;
    private int count;

    RangeAccumulator(int weighers) {
        min = new double[weighers];
        max = new double[weighers];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
    }

    void add(double[] raw) {
        for (int i = 0; i < raw.length; i++) {
            min[i] = Math.min(min[i], raw[i]);
            max[i] = Math.max(max[i], raw[i]);
        }
        count++;
    }

    boolean isEmpty() {
        return count == 0;
    }

    WeightRanges ranges() {
        return new WeightRanges(min, max);
    }
}
