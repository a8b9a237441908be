package io.strato.scheduler;

import io.strato.scheduler.filter.HostFilter;
import io.strato.scheduler.host.HostState;
import io.strato.scheduler.index.HostIndex;
import io.strato.scheduler.request.RequestSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the "No valid host was found" fault message: runs the filters in order over every host,
 * as Nova does, and says how many hosts each one removed. Only on the failure path: it is a full
 * scan.
 */
final class NoValidHostExplainer {

    static final String PREFIX = "No valid host was found. ";

    private final HostIndex index;
    private final List<HostFilter> filters;

    NoValidHostExplainer(HostIndex index, List<HostFilter> filters) {
        this.index = index;
        this.filters = List.copyOf(filters);
    }

    String explain(RequestSpec request) {
        List<HostState> hosts = index.hosts();
        if (hosts.isEmpty()) {
            return PREFIX + "There are no compute hosts.";
        }
        List<String> parts = new ArrayList<>();
        List<HostState> survivors = new ArrayList<>(hosts.size());
        for (HostState host : hosts) {
            if (!request.excludedHosts().contains(host.name())) {
                survivors.add(host);
            }
        }
        if (survivors.size() < hosts.size()) {
            parts.add("the request excluded " + (hosts.size() - survivors.size()) + " of " + hosts.size() + " hosts");
        }
        for (HostFilter filter : filters) {
            if (survivors.isEmpty()) {
                break;
            }
            int before = survivors.size();
            survivors.removeIf(host -> !filter.passes(host, request));
            int removed = before - survivors.size();
            if (removed > 0) {
                parts.add(filter.name() + " removed " + removed + " of " + before + " hosts");
            }
        }
        if (!survivors.isEmpty()) {
            parts.add(survivors.size() + " hosts passed every filter but were taken by concurrent claims");
        }
        return PREFIX + String.join("; ", parts) + ".";
    }
}
