package io.strato.scheduler.filter;

import io.strato.scheduler.host.HostState;
import io.strato.scheduler.index.SearchBounds;
import io.strato.scheduler.request.RequestSpec;
import java.time.Clock;

/**
 * Mirrors Nova's {@code ComputeFilter}: the host's compute service is enabled and has reported
 * within {@code service_down_time}.
 */
public final class ComputeFilter implements HostFilter {

    private final Clock clock;
    private final long serviceDownTimeMillis;

    public ComputeFilter(Clock clock, long serviceDownTimeMillis) {
        this.clock = clock;
        this.serviceDownTimeMillis = serviceDownTimeMillis;
    }

    @Override
    public String name() {
        return "ComputeFilter";
    }

    @Override
    public boolean passes(HostState host, RequestSpec request) {
        return host.isUp(clock.millis(), serviceDownTimeMillis);
    }

    @Override
    public String reason(HostState host, RequestSpec request) {
        if (!host.enabled()) {
            return "compute service is disabled";
        }
        long silentFor = clock.millis() - host.lastHeartbeatMillis();
        return "compute service is down: no report for " + silentFor / 1000 + " s (service_down_time "
                + serviceDownTimeMillis / 1000 + " s)";
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
