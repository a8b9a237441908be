package io.strato.scheduler.filter;

import io.strato.scheduler.host.HostState;
import io.strato.scheduler.index.SearchBounds;
import io.strato.scheduler.request.RequestSpec;

/** Mirrors Nova's {@code NumInstancesFilter}: a host running {@code max_instances_per_host} instances fails. */
public final class NumInstancesFilter implements HostFilter {

    private final int maxInstancesPerHost;

    public NumInstancesFilter(int maxInstancesPerHost) {
        this.maxInstancesPerHost = maxInstancesPerHost;
    }

    @Override
    public String name() {
        return "NumInstancesFilter";
    }

    @Override
    public boolean passes(HostState host, RequestSpec request) {
        return host.runningInstances() < maxInstancesPerHost;
    }

    @Override
    public String reason(HostState host, RequestSpec request) {
        return "host runs " + host.runningInstances() + " instances (max_instances_per_host " + maxInstancesPerHost + ")";
    }

    @Override
    public void narrow(RequestSpec request, SearchBounds bounds) {
        bounds.requireInstancesBelow(maxInstancesPerHost);
    }

    @Override
    public boolean dependsOnRequest() {
        return false;
    }
}
