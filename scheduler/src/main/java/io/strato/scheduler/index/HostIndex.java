package io.strato.scheduler.index;

import io.strato.scheduler.host.Aggregate;
import io.strato.scheduler.host.Architectures;
import io.strato.scheduler.host.HostLiveness;
import io.strato.scheduler.host.HostState;
import io.strato.scheduler.host.HostStateStore;
import io.strato.scheduler.host.HostTraits;
import io.strato.scheduler.weigher.WeighingPipeline;
import io.strato.scheduler.weigher.WeightRanges;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Predicate;

/**
 * This process's in-heap view of the host state map, laid out for search: host states by slot
 * plus a {@link CapacityTree} over them.
 *
 * <p>The Chronicle Map stays the authority. The view learns of this process's own writes at once
 * and of other processes' writes when a claim's compare-and-set fails (the loser reads the entry
 * back) or at the next {@link #reload}. A stale view never overcommits a host: a claim succeeds
 * only against the entry's exact current value.
 *
 * <p>Slots are handed out in blocks of {@value #BLOCK}, one block per combination of host traits
 * (zone, aggregates, architecture, hypervisor), so hosts alike sit under the same subtrees and a
 * request for a zone or an aggregate skips the others near the root.
 *
 * <p>Thread-safe and lock-free on the decision path: every slot keeps the state with the highest
 * generation it has seen.
 */
public final class HostIndex {

    static final int BLOCK = 32;
    private static final int SPARE_BLOCKS = 256;

    private final int leaves;
    private final AtomicReferenceArray<HostState> states;
    private final AtomicReferenceArray<TraitTags> traitTags;
    private final Map<String, Integer> slots = new ConcurrentHashMap<>();
    private final Map<Long, Block> openBlocks = new ConcurrentHashMap<>();
    private final AtomicInteger nextBlockStart = new AtomicInteger();
    private final TagDictionary tags;
    private final WeighingPipeline pipeline;
    private final HostLiveness liveness;
    private final Predicate<HostState> eligible;
    private final Map<Long, WeightRanges> classRanges = new ConcurrentHashMap<>();
    private volatile CapacityTree tree;

    private record TraitTags(HostTraits traits, long mask) {
    }

    private record Block(int start, int used) {
    }

    /**
     * @param maxHosts how many hosts the view has room for
     * @param eligible which hosts count for normalisation: those passing the filters that do not
     *                 depend on the request (alive, not too busy)
     */
    public HostIndex(int maxHosts, WeighingPipeline pipeline, TagDictionary tags, HostLiveness liveness,
                     Predicate<HostState> eligible) {
        this.leaves = Integer.highestOneBit(Math.max(2, maxHosts + SPARE_BLOCKS * BLOCK - 1)) << 1;
        this.states = new AtomicReferenceArray<>(leaves);
        this.traitTags = new AtomicReferenceArray<>(leaves);
        this.tags = tags;
        this.pipeline = pipeline;
        this.liveness = liveness;
        this.eligible = eligible;
        this.tree = new CapacityTree(new NormalisationRanges(pipeline.rangesOver(List.of()), Map.of()), leaves);
    }

    /** Loads every host of {@code store} and rebuilds the tree (start-up, or after a rebuild of the map). */
    public void reload(HostStateStore store) {
        List<HostState> all = new ArrayList<>(store.size());
        store.forEach(all::add);
        // Hosts alike get neighbouring slots, so zone and aggregate requests skip the others near the root.
        all.sort(Comparator.comparing((HostState h) -> h.traits().availabilityZone())
                .thenComparingLong(h -> traitMask(h.traits())));
        for (HostState state : all) {
            offer(slotFor(state), state);
        }
        refresh();
    }

    /**
     * Takes {@code state} into the view unless the view already holds a newer generation of the host.
     *
     * @return the state the view holds for the host afterwards
     */
    public HostState update(HostState state) {
        int slot = slotFor(state);
        HostState held = offer(slot, state);
        // Write the leaf of whatever the slot holds last, so a slower older update cannot win.
        HostState written;
        do {
            written = held;
            writeLeaf(tree, slot, written);
            held = states.get(slot);
        } while (held != written);
        return held;
    }

    private HostState offer(int slot, HostState state) {
        while (true) {
            HostState current = states.get(slot);
            if (current != null && current.generation() >= state.generation()) {
                return current;
            }
            if (states.compareAndSet(slot, current, state)) {
                return state;
            }
        }
    }

    private int slotFor(HostState state) {
        Integer slot = slots.get(state.name());
        if (slot != null) {
            return slot;
        }
        long group = traitMask(state.traits());
        return slots.computeIfAbsent(state.name(), host -> allocateSlot(group));
    }

    /** A slot in the open block of {@code group}, opening a new block when it is full (new hosts only). */
    private int allocateSlot(long group) {
        int[] slot = new int[1];
        openBlocks.compute(group, (g, block) -> {
            if (block == null || block.used() == BLOCK) {
                int start = nextBlockStart.getAndAdd(BLOCK);
                if (start + BLOCK > leaves) {
                    throw new IllegalStateException("host index full (" + leaves + " slots); raise the scheduler's max hosts");
                }
                block = new Block(start, 0);
            }
            slot[0] = block.start() + block.used();
            return new Block(block.start(), block.used() + 1);
        });
        return slot[0];
    }

    /**
     * Recomputes the normalisation ranges and rebuilds the tree. Call periodically (every second
     * or so): ranges drift as hosts fill, and hosts whose heartbeat expired drop out of searches.
     * Costs O(hosts x request classes); searches go on meanwhile.
     *
     * <p>Nova normalises over the hosts that passed the request's filters, which only a full scan
     * knows. The stand-ins computed here: the ranges over all eligible hosts and over each zone's
     * (with which the tree's weights are stored), and for every request class seen so far (see
     * {@link #rangesFor}) the ranges over the eligible hosts carrying the class's required tags
     * (zone, aggregates, architecture ...), with which a search re-weighs its shortlist.
     */
    public void refresh() {
        int used = slotsInUse();
        HostState[] basis = new HostState[used];
        long[] hostTags = new long[used];
        Long[] classes = classRanges.keySet().toArray(Long[]::new);
        RangeAccumulator fleet = new RangeAccumulator(pipeline.size());
        Map<String, RangeAccumulator> zones = new HashMap<>();
        RangeAccumulator[] perClass = new RangeAccumulator[classes.length];
        for (int c = 0; c < classes.length; c++) {
            perClass[c] = new RangeAccumulator(pipeline.size());
        }
        double[] raw = new double[pipeline.size()];
        for (int slot = 0; slot < used; slot++) {
            HostState s = states.get(slot);
            basis[slot] = s;
            if (s == null) {
                continue;
            }
            hostTags[slot] = tagsOf(slot, s);
            if (!eligible.test(s)) {
                continue;
            }
            pipeline.rawWeights(s, raw);
            fleet.add(raw);
            zones.computeIfAbsent(s.traits().availabilityZone(), z -> new RangeAccumulator(pipeline.size())).add(raw);
            for (int c = 0; c < classes.length; c++) {
                long required = classes[c];
                if ((hostTags[slot] & required) == required) {
                    perClass[c].add(raw);
                }
            }
        }
        WeightRanges fleetRanges = fleet.isEmpty() ? pipeline.rangesOver(List.of()) : fleet.ranges();
        for (int c = 0; c < classes.length; c++) {
            classRanges.put(classes[c], perClass[c].isEmpty() ? fleetRanges : perClass[c].ranges());
        }
        Map<String, WeightRanges> zoneRanges = new HashMap<>();
        zones.forEach((zone, acc) -> zoneRanges.put(zone, acc.ranges()));
        CapacityTree next = new CapacityTree(new NormalisationRanges(fleetRanges, zoneRanges), leaves);
        CapacityTree.LeafValues values = new CapacityTree.LeafValues();
        for (int slot = 0; slot < used; slot++) {
            if (basis[slot] != null) {
                next.setLeaf(slot, leafValues(next, basis[slot], hostTags[slot], values));
            }
        }
        next.rebuildInnerNodes();
        tree = next;
        // Hosts that changed while the new tree was built: write them again into the tree now in use.
        for (int slot = 0; slot < used; slot++) {
            HostState s = states.get(slot);
            if (s != basis[slot]) {
                writeLeaf(next, slot, s);
            }
        }
    }

    /**
     * The normalisation ranges over the eligible hosts having all of {@code requiredTags}, as of
     * the last refresh. A class not seen before gets the fleet's ranges, and its own from the
     * next refresh on.
     */
    public WeightRanges rangesFor(long requiredTags) {
        WeightRanges ranges = classRanges.get(requiredTags);
        if (ranges == null) {
            ranges = tree.ranges.fleet();
            classRanges.putIfAbsent(requiredTags, ranges);
        }
        return ranges;
    }

    private void writeLeaf(CapacityTree t, int slot, HostState s) {
        t.update(slot, leafValues(t, s, tagsOf(slot, s), new CapacityTree.LeafValues()));
    }

    private CapacityTree.LeafValues leafValues(CapacityTree t, HostState s, long hostTags, CapacityTree.LeafValues into) {
        if (eligible.test(s)) {
            into.fleetWeight = pipeline.weigh(s, t.ranges.fleet());
            into.zoneWeight = pipeline.weigh(s, t.ranges.zone(s.traits().availabilityZone()));
        } else {
            // Down, disabled or too busy for any request: never worth a visit (and never claimed,
            // so such hosts would otherwise keep the best weights of the fleet).
            into.fleetWeight = Double.NEGATIVE_INFINITY;
            into.zoneWeight = Double.NEGATIVE_INFINITY;
        }
        into.vcpus = s.vcpus().largestFit();
        into.ramMb = s.ramMb().largestFit();
        into.diskGb = s.diskGb().largestFit();
        into.tags = hostTags;
        into.ioOps = s.ioOps();
        into.instances = s.runningInstances();
        return into;
    }

    private long tagsOf(int slot, HostState s) {
        TraitTags cached = traitTags.get(slot);
        long mask;
        if (cached != null && cached.traits() == s.traits()) {
            mask = cached.mask();
        } else {
            mask = traitMask(s.traits());
            traitTags.set(slot, new TraitTags(s.traits(), mask));
        }
        return liveness.isUp(s) ? mask | TagDictionary.UP : mask;
    }

    private long traitMask(HostTraits traits) {
        long mask = tags.intern(TagDictionary.zone(traits.availabilityZone()));
        if (!traits.architecture().isEmpty()) {
            mask |= tags.intern(TagDictionary.architecture(Architectures.canonical(traits.architecture())));
        }
        if (!traits.hypervisorType().isEmpty()) {
            mask |= tags.intern(TagDictionary.hypervisorType(traits.hypervisorType()));
        }
        for (Aggregate aggregate : traits.aggregates()) {
            for (Map.Entry<String, String> e : aggregate.metadata().entrySet()) {
                mask |= tags.intern(TagDictionary.aggregate(e.getKey(), e.getValue()));
            }
        }
        return mask;
    }

    /** The state the view holds for {@code host}, or null. */
    public HostState get(String host) {
        Integer slot = slots.get(host);
        return slot == null ? null : states.get(slot);
    }

    HostState state(int slot) {
        return states.get(slot);
    }

    int slotOf(String host) {
        Integer slot = slots.get(host);
        return slot == null ? -1 : slot;
    }

    private int slotsInUse() {
        return Math.min(nextBlockStart.get(), leaves);
    }

    /** How many hosts the view holds. */
    public int size() {
        return slots.size();
    }

    /** Every host in the view (a fresh list; for diagnostics and benchmarks, not the decision path). */
    public List<HostState> hosts() {
        int used = slotsInUse();
        List<HostState> all = new ArrayList<>(slots.size());
        for (int slot = 0; slot < used; slot++) {
            HostState s = states.get(slot);
            if (s != null) {
                all.add(s);
            }
        }
        return all;
    }

    public TagDictionary tags() {
        return tags;
    }

    public WeighingPipeline pipeline() {
        return pipeline;
    }

    /** The ranges over every eligible host at the last refresh. */
    public WeightRanges fleetRanges() {
        return tree.ranges.fleet();
    }

    CapacityTree tree() {
        return tree;
    }
}
