package io.strato.scheduler.filter;

import io.strato.scheduler.host.HostState;
import io.strato.scheduler.index.SearchBounds;
import io.strato.scheduler.request.GroupPolicy;
import io.strato.scheduler.request.RequestSpec;
import io.strato.scheduler.request.ServerGroup;

/**
 * Mirrors Nova's {@code ServerGroupAffinityFilter}: once a member of an affinity group runs
 * somewhere, further members go only to the group's hosts (the first member may go anywhere).
 */
public final class ServerGroupAffinityFilter implements HostFilter {

    @Override
    public String name() {
        return "ServerGroupAffinityFilter";
    }

    @Override
    public boolean passes(HostState host, RequestSpec request) {
        ServerGroup group = request.group();
        return group == null || group.policy() != GroupPolicy.AFFINITY || group.hosts().isEmpty()
                || group.hosts().contains(host.name());
    }

    @Override
    public String reason(HostState host, RequestSpec request) {
        return "affinity group " + request.group().id() + " runs on " + request.group().hosts() + ", not on this host";
    }

    @Override
    public void narrow(RequestSpec request, SearchBounds bounds) {
        ServerGroup group = request.group();
        if (group != null && group.policy() == GroupPolicy.AFFINITY && !group.hosts().isEmpty()) {
            bounds.restrictTo(group.hosts());
        }
    }
}
