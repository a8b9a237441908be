package io.strato.scheduler.filter;

import io.strato.scheduler.host.HostLiveness;
import io.strato.scheduler.host.HostState;
import io.strato.scheduler.index.SearchBounds;
import io.strato.scheduler.request.RequestSpec;

/**
 * Mirrors Nova's {@code ComputeFilter}: the host's compute service is enabled and has reported
 * within {@code service_down_time}; silence is counted only while the scheduler could read the reports
 * ({@link HostLiveness}), so a broker outage does not take every host down.
 */
public final class ComputeFilter implements HostFilter {

    private final HostLiveness liveness;

    public ComputeFilter(HostLiveness liveness) {
        this.liveness = liveness;
    }

    @Override
    public String name() {
        return "ComputeFilter";
    }

    @Override
    public boolean passes(HostState host, RequestSpec request) {
        return liveness.isUp(host);
    }

    @Override
    public String reason(HostState host, RequestSpec request) {
        if (!host.enabled()) {
            return "compute service is disabled";
        }
        return "compute service is down: no report for " + liveness.silentMillis(host) / 1000 + " s (service_down_time "
                + liveness.serviceDownTimeMillis() / 1000 + " s)";
    }

    @Override
    public void narrow(RequestSpec request, SearchBounds bounds) {
        bounds.requireUp();
    }

    @Override
    public boolean dependsOnRequest() {
        return false;
    }
}
