package io.strato.scheduler;

import io.strato.scheduler.filter.HostFilter;
import io.strato.scheduler.host.ClaimOutcome;
import io.strato.scheduler.host.HostStateStore;
import io.strato.scheduler.index.Candidate;
import io.strato.scheduler.index.CandidateSearch;
import io.strato.scheduler.index.HostIndex;
import io.strato.scheduler.index.SearchBounds;
import io.strato.scheduler.request.RequestSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Places one instance: finds the best {@code max_attempts} hosts that pass every filter, claims
 * the first by compare-and-set, and returns the others as alternates.
 *
 * <p>A lost race (another decision changed the host since the filters saw it) takes the host out
 * of this decision and searches again on the refreshed view, so the instance lands on the next
 * best candidate. There is no lock: each loss means another decision made progress.
 */
final class HostSelector {

    private final HostStateStore store;
    private final HostIndex index;
    private final List<HostFilter> filters;
    private final CandidateSearch search;
    private final int maxAttempts;

    HostSelector(HostStateStore store, HostIndex index, List<HostFilter> filters, int maxAttempts) {
        this.store = store;
        this.index = index;
        this.filters = List.copyOf(filters);
        this.search = new CandidateSearch(index, filters);
        this.maxAttempts = maxAttempts;
    }

    /** The placement of {@code instanceId}, with its resources claimed; null when no host can take it. */
    Placement place(RequestSpec request, String instanceId) {
        SearchBounds bounds = new SearchBounds(index.tags());
        for (HostFilter filter : filters) {
            filter.narrow(request, bounds);
        }
        Set<String> lost = Set.of();
        while (true) {
            List<Candidate> best = search.best(request, bounds, maxAttempts, lost);
            if (best.isEmpty()) {
                return null;
            }
            Candidate chosen = best.get(0);
            ClaimOutcome outcome = store.claim(chosen.host(), instanceId, request.flavor().amounts());
            if (outcome.current() != null) {
                index.update(outcome.current());
            }
            if (outcome.claimed()) {
                return new Placement(instanceId, chosen.host().name(), alternates(best));
            }
            if (lost.isEmpty()) {
                lost = new HashSet<>();
            }
            lost.add(chosen.host().name());
        }
    }

    private static List<String> alternates(List<Candidate> best) {
        List<String> names = new ArrayList<>(best.size() - 1);
        for (int i = 1; i < best.size(); i++) {
            names.add(best.get(i).host().name());
        }
        return names;
    }
}
