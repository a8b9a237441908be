package io.strato.scheduler.index;

import io.strato.scheduler.filter.HostFilter;
import io.strato.scheduler.host.HostState;
import io.strato.scheduler.request.RequestSpec;
import io.strato.scheduler.weigher.WeighingPipeline;
import io.strato.scheduler.weigher.WeightRanges;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Finds the {@code k} highest-weighted hosts that pass every filter, best first.
 *
 * <p>Two steps. First a best-first walk of the {@link CapacityTree} collects the
 * {@value #SHORTLIST} best passing hosts by the stored weights (normalised over the requested
 * zone, or over the fleet when the request names none): nodes in descending order of their
 * best weight, skipping any subtree whose hosts cannot satisfy the {@link SearchBounds}, and
 * stopping once no open node can beat the shortlist's last entry. That step returns exactly what a full scan with those weights would.
 * Then the shortlist is re-weighed with the ranges of the request's class
 * ({@link HostIndex#rangesFor}: its zone, aggregates, architecture), closer to how Nova would
 * normalise, and the best {@code k} returned.
 *
 * <p>Every host returned passed all the filters on the state it carries, so the caller can claim
 * exactly that state.
 */
public final class CandidateSearch {

    /** How many hosts the walk keeps for re-weighing: regret against cost, see the README. */
    static final int SHORTLIST = 12;

    private final HostIndex index;
    private final HostFilter[] filters;

    public CandidateSearch(HostIndex index, List<HostFilter> filters) {
        this.index = index;
        this.filters = filters.toArray(HostFilter[]::new);
    }

    /**
     * The best {@code k} candidates for {@code request}, best first; fewer when fewer pass.
     *
     * @param skip hosts not to consider (lost races of this decision), may be empty
     */
    public List<Candidate> best(RequestSpec request, SearchBounds bounds, int k, Set<String> skip) {
        CapacityTree tree = index.tree();
        boolean byZone = !request.availabilityZone().isEmpty();
        WeightRanges walkRanges = byZone ? tree.ranges.zone(request.availabilityZone()) : tree.ranges.fleet();
        TopK shortlist = new TopK(Math.max(k, SHORTLIST));
        if (bounds.onlyHosts() != null) {
            for (String host : bounds.onlyHosts()) {
                int slot = index.slotOf(host);
                if (slot >= 0) {
                    consider(slot, request, skip, walkRanges, shortlist);
                }
            }
        } else {
            walk(tree, byZone, request, bounds, skip, walkRanges, shortlist);
        }
        WeightRanges classRanges = index.rangesFor(bounds.requiredTags());
        WeighingPipeline pipeline = index.pipeline();
        TopK top = new TopK(k);
        for (int i = 0; i < shortlist.size; i++) {
            top.offer(shortlist.hosts[i], pipeline.weigh(shortlist.hosts[i], classRanges));
        }
        return top.toList();
    }

    /**
     * Best-first: always expands the open node with the highest weight bound, so hosts are met
     * in descending weight order and the walk stops once no open node can beat the shortlist.
     */
    private void walk(CapacityTree tree, boolean byZone, RequestSpec request, SearchBounds bounds, Set<String> skip,
                      WeightRanges ranges, TopK top) {
        long minVcpus = bounds.minVcpus();
        long minRam = bounds.minRamMb();
        long minDisk = bounds.minDiskGb();
        long required = bounds.requiredTags();
        int ioOpsBelow = bounds.ioOpsBelow();
        int instancesBelow = bounds.instancesBelow();
        NodeHeap open = new NodeHeap();
        open.push(1, tree.weight(1, byZone));
        while (!open.isEmpty()) {
            if (open.topWeight() <= top.threshold()) {
                return;
            }
            int node = open.pop();
            if (!tree.mayFit(node, minVcpus, minRam, minDisk, required, ioOpsBelow, instancesBelow)) {
                continue;
            }
            if (node >= tree.leaves) {
                consider(node - tree.leaves, request, skip, ranges, top);
                continue;
            }
            int left = node << 1;
            open.push(left, tree.weight(left, byZone));
            open.push(left + 1, tree.weight(left + 1, byZone));
        }
    }

    private void consider(int slot, RequestSpec request, Set<String> skip, WeightRanges ranges, TopK top) {
        HostState host = index.state(slot);
        if (host == null || request.excludedHosts().contains(host.name()) || skip.contains(host.name())) {
            return;
        }
        for (HostFilter filter : filters) {
            if (!filter.passes(host, request)) {
                return;
            }
        }
        top.offer(host, index.pipeline().weigh(host, ranges));
    }

    /** Open tree nodes by weight bound, highest first (a binary heap). */
    private static final class NodeHeap {
        private int[] nodes = new int[256];
        private double[] weights = new double[256];
        private int size;

        boolean isEmpty() {
            return size == 0;
        }

        double topWeight() {
            return weights[0];
        }

        void push(int node, double weight) {
            if (weight == Double.NEGATIVE_INFINITY) {
                return;
            }
            if (size == nodes.length) {
                nodes = java.util.Arrays.copyOf(nodes, size * 2);
                weights = java.util.Arrays.copyOf(weights, size * 2);
            }
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (weights[parent] >= weight) {
                    break;
                }
                nodes[i] = nodes[parent];
                weights[i] = weights[parent];
                i = parent;
            }
            nodes[i] = node;
            weights[i] = weight;
        }

        int pop() {
            int result = nodes[0];
            int lastNode = nodes[--size];
            double lastWeight = weights[size];
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && weights[child + 1] > weights[child]) {
                    child++;
                }
                if (weights[child] <= lastWeight) {
                    break;
                }
                nodes[i] = nodes[child];
                weights[i] = weights[child];
                i = child;
            }
            nodes[i] = lastNode;
            weights[i] = lastWeight;
            return result;
        }
    }

    /** The k best so far, highest weight first. */
    private static final class TopK {
        private final HostState[] hosts;
        private final double[] weights;
        private int size;

        TopK(int k) {
            hosts = new HostState[k];
            weights = new double[k];
        }

        double threshold() {
            return size < hosts.length ? Double.NEGATIVE_INFINITY : weights[size - 1];
        }

        void offer(HostState host, double weight) {
            if (size == hosts.length && weight <= weights[size - 1]) {
                return;
            }
            int i = size < hosts.length ? size++ : size - 1;
            while (i > 0 && weights[i - 1] < weight) {
                hosts[i] = hosts[i - 1];
                weights[i] = weights[i - 1];
                i--;
            }
            hosts[i] = host;
            weights[i] = weight;
        }

        List<Candidate> toList() {
            List<Candidate> list = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                list.add(new Candidate(hosts[i], weights[i]));
            }
            return list;
        }
    }
}
