package io.strato.scheduler.host;

/**
 * One resource class of a host (vCPU, RAM in MB or disk in GB) with placement's inventory
 * semantics: {@code capacity = (total - reserved) * allocationRatio}, a request of {@code amount}
 * fits when {@code used + amount <= capacity} and {@code amount <= total} (placement's
 * {@code max_unit}: one instance never gets more than the host physically has).
 *
 * <p>{@code used} includes the scheduler's in-flight claims (see {@link HostState}).
 */
public record Capacity(long total, long reserved, double allocationRatio, long used) {

    public Capacity {
        if (total < 0 || reserved < 0 || used < 0) {
            throw new IllegalArgumentException("negative capacity: total=" + total + " reserved=" + reserved + " used=" + used);
        }
        if (!(allocationRatio > 0)) {
            throw new IllegalArgumentException("allocation ratio must be positive: " + allocationRatio);
        }
    }

    public static Capacity of(long total, double allocationRatio) {
        return new Capacity(total, 0, allocationRatio, 0);
    }

    /** What may be allocated in all, after the reserved part and the allocation ratio. */
    public long limit() {
        return (long) Math.floor((total - reserved) * allocationRatio);
    }

    /** What is left to allocate; negative when an operator lowered the ratio below what runs. */
    public long free() {
        return limit() - used;
    }

    /** The largest single request that fits now: {@code min(free, total)}. */
    public long largestFit() {
        return Math.min(free(), total);
    }

    public boolean fits(long amount) {
        return amount <= total && used + amount <= limit();
    }

    public Capacity plusUsed(long delta) {
        return new Capacity(total, reserved, allocationRatio, Math.max(0, used + delta));
    }

    public Capacity withUsed(long newUsed) {
        return new Capacity(total, reserved, allocationRatio, newUsed);
    }
}
