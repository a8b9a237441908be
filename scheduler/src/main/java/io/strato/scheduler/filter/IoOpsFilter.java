package io.strato.scheduler.filter;

import io.strato.scheduler.host.HostState;
import io.strato.scheduler.index.SearchBounds;
import io.strato.scheduler.request.RequestSpec;

/**
 * Mirrors Nova's {@code IoOpsFilter}: a host with {@code max_io_ops_per_host} builds (and other
 * I/O-heavy tasks) in progress fails.
 */
public final class IoOpsFilter implements HostFilter {

    private final int maxIoOpsPerHost;

    public IoOpsFilter(int maxIoOpsPerHost) {
        this.maxIoOpsPerHost = maxIoOpsPerHost;
    }

    @Override
    public String name() {
        return "IoOpsFilter";
    }

    @Override
    public boolean passes(HostState host, RequestSpec request) {
        return host.ioOps() < maxIoOpsPerHost;
    }

    @Override
    public String reason(HostState host, RequestSpec request) {
        return "host has " + host.ioOps() + " I/O operations in progress (max_io_ops_per_host " + maxIoOpsPerHost + ")";
    }

    @Override
    public void narrow(RequestSpec request, SearchBounds bounds) {
        bounds.requireIoOpsBelow(maxIoOpsPerHost);
    }

    @Override
    public boolean dependsOnRequest() {
        return false;
    }
}
