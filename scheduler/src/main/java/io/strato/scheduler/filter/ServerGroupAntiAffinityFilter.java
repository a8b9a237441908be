package io.strato.scheduler.filter;

import io.strato.scheduler.host.HostState;
import io.strato.scheduler.request.GroupPolicy;
import io.strato.scheduler.request.RequestSpec;
import io.strato.scheduler.request.ServerGroup;

/**
 * Mirrors Nova's {@code ServerGroupAntiAffinityFilter}: a member of an anti-affinity group never
 * goes to a host that already runs a member of the group (including members placed earlier in
 * the same multi-create).
 */
public final class ServerGroupAntiAffinityFilter implements HostFilter {

    @Override
    public String name() {
        return "ServerGroupAntiAffinityFilter";
    }

    @Override
    public boolean passes(HostState host, RequestSpec request) {
        ServerGroup group = request.group();
        return group == null || group.policy() != GroupPolicy.ANTI_AFFINITY || !group.hosts().contains(host.name());
    }

    @Override
    public String reason(HostState host, RequestSpec request) {
        return "anti-affinity group " + request.group().id() + " already has a member on this host";
    }
}
