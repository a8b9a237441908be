package io.strato.scheduler.bench;

import java.util.Arrays;

/** Every decision's duration in nanoseconds, for exact percentiles. */
final class LatencyRecorder {

    private long[] nanos = new long[1 << 16];
    private int count;
    private long total;

    void record(long durationNanos) {
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, count * 2);
        }
        nanos[count++] = durationNanos;
        total += durationNanos;
    }

    int count() {
        return count;
    }

    long totalNanos() {
        return total;
    }

    /** The {@code percentile} (0..100) in microseconds, nearest-rank. */
    double percentileMicros(double percentile) {
        if (count == 0) {
            return 0;
        }
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percentile / 100.0 * count) - 1;
        return sorted[Math.max(0, Math.min(count - 1, rank))] / 1000.0;
    }
}
