package io.strato.scheduler.index;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Gives a bit of a 64-bit mask to each distinct host property the index prunes on (zone,
 * aggregate metadata pair, architecture, hypervisor type), first come first served.
 *
 * <p>Contract: {@link #bitOf} returns 0 for a property that has no bit (never seen, or past the
 * 63 bits), and a search treats a 0 requirement as "cannot prune", so running out of bits costs
 * speed, never correctness.
 */
public final class TagDictionary {

    /** Set on hosts that were enabled and alive at their last index update. */
    public static final long UP = 1L;

    private final ConcurrentHashMap<String, Long> bits = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger(1);

    /** The bit of {@code tag}, allocating one when there is room. */
    long intern(String tag) {
        Long bit = bits.get(tag);
        if (bit != null) {
            return bit;
        }
        return bits.computeIfAbsent(tag, t -> {
            int index = next.getAndIncrement();
            return index < 64 ? 1L << index : 0L;
        });
    }

    /** The bit of {@code tag}, or 0 when it has none. */
    public long bitOf(String tag) {
        Long bit = bits.get(tag);
        return bit == null ? 0L : bit;
    }

    public static String zone(String zone) {
        return "az=" + zone;
    }

    public static String aggregate(String key, String value) {
        return "agg:" + key + "=" + value;
    }

    public static String architecture(String canonicalArchitecture) {
        return "arch=" + canonicalArchitecture;
    }

    public static String hypervisorType(String type) {
        return "hv=" + type.toLowerCase(Locale.ROOT);
    }
}
