package io.strato.scheduler;

import io.strato.scheduler.filter.Filters;
import io.strato.scheduler.filter.HostFilter;
import io.strato.scheduler.host.Aggregate;
import io.strato.scheduler.host.HostLiveness;
import io.strato.scheduler.host.HostReport;
import io.strato.scheduler.host.HostState;
import io.strato.scheduler.host.HostStateStore;
import io.strato.scheduler.host.HostTraits;
import io.strato.scheduler.index.HostIndex;
import io.strato.scheduler.index.TagDictionary;
import io.strato.scheduler.request.RequestSpec;
import io.strato.scheduler.weigher.HostWeigher;
import io.strato.scheduler.weigher.Weighers;
import io.strato.scheduler.weigher.WeighingPipeline;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The scheduler's decision core: places every instance of a boot request on a host, claiming its
 * resources in the shared host state map.
 *
 * <p>Guarantees:
 * <ul>
 *   <li>all or nothing: a request with an instance that cannot be placed (including a server group
 *       that cannot be satisfied) releases the claims it made and returns {@link ScheduleResult.NoValidHost};</li>
 *   <li>multi-create: each instance sees the claims and group placements of the ones before it;</li>
 *   <li>idempotent per instance id: a redelivered request returns the recorded placements and
 *       claims nothing more;</li>
 *   <li>no host exceeds its allocation ratios, whatever the number of threads or processes
 *       sharing the map: claims are compare-and-set on the host's entry.</li>
 * </ul>
 * Thread-safe; no locks on the decision path. Call {@link #refreshIndex()} about once a second.
 */
public final class Scheduler {

    private final HostStateStore store;
    private final PlacementLedger ledger;
    private final HostIndex index;
    /** Hosts whose compute service an operator disabled or forced down. */
    private final Set<String> switchedOff = ConcurrentHashMap.newKeySet();
    /** The operator's aggregates per host (os-aggregates), applied over what each agent reports. */
    private final Map<String, OperatorAggregates> operatorAggregates = new ConcurrentHashMap<>();
    /** Each host's traits as its agent last reported them, before the operator's aggregates apply. */
    private final Map<String, HostTraits> reportedTraits = new ConcurrentHashMap<>();
    private final List<HostFilter> filters;
    private final HostSelector selector;
    private final NoValidHostExplainer explainer;
    private final HostLiveness liveness;

    /**
     * @param maxHosts how many hosts the in-heap index has room for
     * @throws UnknownPluginException when the config names a filter or weigher that does not exist
     */
    public Scheduler(SchedulerConfig config, HostStateStore store, PlacementLedger ledger, int maxHosts, Clock clock) {
        this.store = store;
        this.ledger = ledger;
        this.liveness = new HostLiveness(clock, config.serviceDownTime().toMillis());
        this.filters = Filters.registry(liveness).create(config.enabledFilters(), config, clock);
        List<HostWeigher> weighers = Weighers.registry().create(config.weighers(), config, clock);
        WeighingPipeline pipeline = new WeighingPipeline(weighers, config.weightMultipliers());
        List<HostFilter> hostOnly = filters.stream().filter(f -> !f.dependsOnRequest()).toList();
        Predicate<HostState> eligible = host -> hostOnly.stream().allMatch(f -> f.passes(host, null));
        this.index = new HostIndex(maxHosts, pipeline, new TagDictionary(), liveness, eligible);
        this.index.reload(store);
        this.selector = new HostSelector(store, index, filters, config.maxAttempts());
        this.explainer = new NoValidHostExplainer(index, filters);
    }

    /**
     * Places every instance of {@code request}. Safe to call again with the same instance ids
     * (a redelivered message): placed instances keep their placement and are not claimed twice.
     */
    public ScheduleResult schedule(RequestSpec request) {
        List<Placement> placements = new ArrayList<>(request.instanceCount());
        List<Placement> claimedNow = new ArrayList<>(request.instanceCount());
        RequestSpec current = request;
        for (int i = 0; i < request.instanceCount(); i++) {
            String instanceId = request.instanceIds().get(i);
            Placement placement = ledger.find(instanceId).orElse(null);
            if (placement == null) {
                placement = selector.place(current, instanceId);
                if (placement == null) {
                    String message = explainer.explain(current);
                    rollBack(claimedNow);
                    return new ScheduleResult.NoValidHost(request.instanceCount() == 1 ? message
                            : message + " (placing instance " + (i + 1) + " of " + request.instanceCount() + ")");
                }
                Placement recorded = ledger.recordIfAbsent(placement);
                if (recorded != placement) {
                    // A concurrent delivery of the same request placed it first: keep theirs.
                    releaseClaim(placement.host(), instanceId);
                    placement = recorded;
                } else {
                    claimedNow.add(placement);
                }
            }
            placements.add(placement);
            current = current.withPlacedHost(placement.host());
        }
        return new ScheduleResult.Scheduled(placements);
    }

    /**
     * Gives back the claim of {@code instanceId} and forgets its placement (its build failed, it
     * was deleted before the host reported it, or a reschedule moves it). Idempotent.
     */
    public void release(String instanceId) {
        ledger.forgetIf(instanceId, placement -> true)
            .ifPresent(placement -> releaseClaim(placement.host(), instanceId));
    }

    /**
     * Gives back the claim of {@code instanceId} and forgets its placement, only if it was placed on {@code host}
     * (that host builds nothing for it; a placement on another host, made by this process, stays). Idempotent.
     */
    public void release(String instanceId, String host) {
        // One conditional step: a placement on another host recorded meanwhile (a reschedule) is left alone.
        ledger.forgetIf(instanceId, p -> p.host().equals(host)).ifPresent(p -> releaseClaim(host, instanceId));
    }

    /**
     * Applies an agent's resource report; returns the host's state as stored. A host whose compute service an
     * operator switched off ({@link #applyServiceStatus}) stays disabled whatever the agent reports.
     */
    public HostState applyReport(HostReport report) {
        // NOTE: reports and switches come through one consumer (HostStateConsumer), never side by side.
        boolean off = switchedOff.contains(report.host());
        reportedTraits.put(report.host(), report.traits());
        OperatorAggregates mine = operatorAggregates.get(report.host());
        HostReport applied = mine == null ? report : report.withTraits(mine.applyTo(report.traits()));
        return index.update(store.upsertFromReport(off ? applied.disabled() : applied));
    }

    /** A host's aggregates as an operator made them, and the zone they make (null: none does). */
    public record OperatorAggregates(String zone, List<Aggregate> aggregates) {
        HostTraits applyTo(HostTraits reported) {
            return reported.withAggregates(zone, aggregates);
        }
    }

    /**
     * Applies an operator's aggregates of a host ({@code os-aggregates}): from now on the host's aggregates are these
     * (read by {@code AggregateInstanceExtraSpecsFilter}) and its zone the one they make, if any
     * ({@code AvailabilityZoneFilter}), whatever its agent reports. Remembered for a host that has not reported yet.
     * Idempotent.
     */
    public void applyAggregates(String host, OperatorAggregates aggregates) {
        operatorAggregates.put(host, aggregates);
        // Over the agent's own traits, so a host that left its zone's aggregate is back in its reported zone at once.
        store.setTraits(host, current -> aggregates.applyTo(reportedTraits.getOrDefault(host, current)))
                .ifPresent(index::update);
    }

    /**
     * Applies an operator's switch of a host's compute service ({@code os-services}): a host that does not
     * {@code takesNewInstances} is disabled for the filters (Nova's {@code ComputeFilter}) until switched on again.
     * Remembered for a host that has not reported yet. Idempotent.
     */
    public void applyServiceStatus(String host, boolean takesNewInstances) {
        if (takesNewInstances) {
            switchedOff.remove(host);
        } else {
            switchedOff.add(host);
        }
        store.setEnabled(host, takesNewInstances).ifPresent(index::update);
    }

    /** Re-normalises stored weights and drops hosts whose heartbeat expired from searches. */
    public void refreshIndex() {
        index.refresh();
    }

    /** Re-reads every host from the map (after another process rebuilt it). */
    public void reloadIndex() {
        index.reload(store);
    }

    public Optional<Placement> placementOf(String instanceId) {
        return ledger.find(instanceId);
    }

    public HostIndex index() {
        return index;
    }

    /** Whether hosts are up; the reader of the hosts' reports tells it up to when it has read them. */
    public HostLiveness liveness() {
        return liveness;
    }

    public List<HostFilter> filters() {
        return filters;
    }

    private void rollBack(List<Placement> placements) {
        for (Placement placement : placements) {
            releaseClaim(placement.host(), placement.instanceId());
            ledger.forget(placement.instanceId());
        }
    }

    private void releaseClaim(String host, String instanceId) {
        store.release(host, instanceId).ifPresent(index::update);
    }
}
