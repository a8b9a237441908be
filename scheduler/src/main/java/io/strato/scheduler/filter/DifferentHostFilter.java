package io.strato.scheduler.filter;

import io.strato.scheduler.host.HostState;
import io.strato.scheduler.request.RequestSpec;

/**
 * Mirrors Nova's {@code DifferentHostFilter}: with a {@code different_host} hint, a host running
 * one of the named instances fails.
 */
public final class DifferentHostFilter implements HostFilter {

    @Override
    public String name() {
        return "DifferentHostFilter";
    }

    @Override
    public boolean passes(HostState host, RequestSpec request) {
        return !request.hints().differentHost().contains(host.name());
    }

    @Override
    public String reason(HostState host, RequestSpec request) {
        return "different_host excludes this host";
    }
}
