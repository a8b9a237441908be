package io.strato.scheduler.filter;

import io.strato.scheduler.host.Capacity;
import io.strato.scheduler.host.HostState;
import io.strato.scheduler.index.SearchBounds;
import io.strato.scheduler.request.RequestSpec;

/**
 * Mirrors Nova's {@code CoreFilter (today placement's VCPU inventory)}: the flavor fits when
 * {@code used + requested <= (total - reserved) * allocation_ratio} and {@code requested <= total}.
 */
public final class CoreFilter implements HostFilter {

    @Override
    public String name() {
        return "CoreFilter";
    }

    @Override
    public boolean passes(HostState host, RequestSpec request) {
        return host.vcpus().fits(request.flavor().vcpus());
    }

    @Override
    public String reason(HostState host, RequestSpec request) {
        Capacity c = host.vcpus();
        return "needs " + request.flavor().vcpus() + " vCPUs, " + Math.max(0, c.free()) + " free of " + c.limit()
                + " (total " + c.total() + ", reserved " + c.reserved() + ", allocation ratio " + c.allocationRatio() + ")";
    }

    @Override
    public void narrow(RequestSpec request, SearchBounds bounds) {
        bounds.requireVcpus(request.flavor().vcpus());
    }
}
