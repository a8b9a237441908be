package io.strato.scheduler.index;

/**
 * A max-tree over host slots. Each node holds, for the hosts below it: the highest weight
 * normalised over the fleet, the highest weight normalised over the host's own zone, the largest
 * single vCPU / RAM / disk request that would fit, the fewest builds in progress and instances,
 * and the union of their tags. A search skips a node when none of its hosts could pass or beat
 * what it already found.
 *
 * <p>The weights are computed with the {@link NormalisationRanges} the tree was built with, so
 * a host's weight does not depend on the request and can be stored.
 *
 * <p>NOTE: nodes are written without locks by concurrent updaters. Claims only lower values, and
 * a node rebuilt from a sibling's older value can only over-estimate: a search then visits more,
 * never misses. A raise (a report or a release) racing an update of a sibling can leave an
 * under-estimate until either host changes again or the next refresh: that costs at most a less
 * good choice, never a wrong one, because the filters and the claim's compare-and-set decide.
 */
final class CapacityTree {

    // NOTE: one node is 8 longs (64 bytes) in one array, so checking a node costs one or two cache
    // lines instead of one line per field: the walk is memory-bound.
    private static final int STRIDE = 8;
    private static final int FLEET_WEIGHT = 0;
    private static final int ZONE_WEIGHT = 1;
    private static final int VCPUS = 2;
    private static final int RAM_MB = 3;
    private static final int DISK_GB = 4;
    private static final int TAGS = 5;
    private static final int MIN_IO_OPS = 6;
    private static final int MIN_INSTANCES = 7;

    final NormalisationRanges ranges;
    final int leaves;
    private final long[] nodes;

    CapacityTree(NormalisationRanges ranges, int leaves) {
        this.ranges = ranges;
        this.leaves = leaves;
        this.nodes = new long[2 * leaves * STRIDE];
        long negativeInfinity = Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY);
        for (int node = 0; node < 2 * leaves; node++) {
            int base = node * STRIDE;
            nodes[base + FLEET_WEIGHT] = negativeInfinity;
            nodes[base + ZONE_WEIGHT] = negativeInfinity;
            nodes[base + VCPUS] = Long.MIN_VALUE;
            nodes[base + RAM_MB] = Long.MIN_VALUE;
            nodes[base + DISK_GB] = Long.MIN_VALUE;
            nodes[base + MIN_IO_OPS] = Integer.MAX_VALUE;
            nodes[base + MIN_INSTANCES] = Integer.MAX_VALUE;
        }
    }

    double weight(int node, boolean byZone) {
        return Double.longBitsToDouble(nodes[node * STRIDE + (byZone ? ZONE_WEIGHT : FLEET_WEIGHT)]);
    }

    /**
     * True when some host below {@code node} could satisfy all of these at once (each checked
     * against the best value below the node, so possibly by different hosts).
     */
    boolean mayFit(int node, long minVcpus, long minRamMb, long minDiskGb, long requiredTags, int ioOpsBelow,
                   int instancesBelow) {
        int base = node * STRIDE;
        return nodes[base + VCPUS] >= minVcpus && nodes[base + RAM_MB] >= minRamMb && nodes[base + DISK_GB] >= minDiskGb
                && (nodes[base + TAGS] & requiredTags) == requiredTags
                && nodes[base + MIN_IO_OPS] < ioOpsBelow && nodes[base + MIN_INSTANCES] < instancesBelow;
    }

    /** Sets a leaf without fixing its ancestors (bulk loading; call {@link #rebuildInnerNodes}). */
    void setLeaf(int slot, LeafValues v) {
        int base = (leaves + slot) * STRIDE;
        nodes[base + FLEET_WEIGHT] = Double.doubleToRawLongBits(v.fleetWeight);
        nodes[base + ZONE_WEIGHT] = Double.doubleToRawLongBits(v.zoneWeight);
        nodes[base + VCPUS] = v.vcpus;
        nodes[base + RAM_MB] = v.ramMb;
        nodes[base + DISK_GB] = v.diskGb;
        nodes[base + TAGS] = v.tags;
        nodes[base + MIN_IO_OPS] = v.ioOps;
        nodes[base + MIN_INSTANCES] = v.instances;
    }

    /** Sets a leaf and recomputes every ancestor from its children. */
    void update(int slot, LeafValues v) {
        setLeaf(slot, v);
        for (int node = (leaves + slot) >>> 1; node >= 1; node >>>= 1) {
            pull(node);
        }
    }

    void rebuildInnerNodes() {
        for (int node = leaves - 1; node >= 1; node--) {
            pull(node);
        }
    }

    private void pull(int node) {
        int base = node * STRIDE;
        int l = 2 * base;
        int r = l + STRIDE;
        nodes[base + FLEET_WEIGHT] = maxWeight(nodes[l + FLEET_WEIGHT], nodes[r + FLEET_WEIGHT]);
        nodes[base + ZONE_WEIGHT] = maxWeight(nodes[l + ZONE_WEIGHT], nodes[r + ZONE_WEIGHT]);
        nodes[base + VCPUS] = Math.max(nodes[l + VCPUS], nodes[r + VCPUS]);
        nodes[base + RAM_MB] = Math.max(nodes[l + RAM_MB], nodes[r + RAM_MB]);
        nodes[base + DISK_GB] = Math.max(nodes[l + DISK_GB], nodes[r + DISK_GB]);
        nodes[base + TAGS] = nodes[l + TAGS] | nodes[r + TAGS];
        nodes[base + MIN_IO_OPS] = Math.min(nodes[l + MIN_IO_OPS], nodes[r + MIN_IO_OPS]);
        nodes[base + MIN_INSTANCES] = Math.min(nodes[l + MIN_INSTANCES], nodes[r + MIN_INSTANCES]);
    }

    private static long maxWeight(long a, long b) {
        return Double.doubleToRawLongBits(Math.max(Double.longBitsToDouble(a), Double.longBitsToDouble(b)));
    }

    /** What one host contributes to its leaf. */
    static final class LeafValues {
        double fleetWeight;
        double zoneWeight;
        long vcpus;
        long ramMb;
        long diskGb;
        long tags;
        int ioOps;
        int instances;
    }
}
