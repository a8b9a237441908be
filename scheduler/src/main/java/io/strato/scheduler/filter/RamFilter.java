package io.strato.scheduler.filter;

import io.strato.scheduler.host.Capacity;
import io.strato.scheduler.host.HostState;
import io.strato.scheduler.index.SearchBounds;
import io.strato.scheduler.request.RequestSpec;

/**
 * Mirrors Nova's {@code RamFilter (today placement's MEMORY_MB inventory)}: the flavor fits when
 * {@code used + requested <= (total - reserved) * allocation_ratio} and {@code requested <= total}.
 */
public final class RamFilter implements HostFilter {

    @Override
    public String name() {
        return "RamFilter";
    }

    @Override
    public boolean passes(HostState host, RequestSpec request) {
        return host.ramMb().fits(request.flavor().ramMb());
    }

    @Override
    public String reason(HostState host, RequestSpec request) {
        Capacity c = host.ramMb();
        return "needs " + request.flavor().ramMb() + " MB RAM, " + Math.max(0, c.free()) + " free of " + c.limit()
                + " (total " + c.total() + ", reserved " + c.reserved() + ", allocation ratio " + c.allocationRatio() + ")";
    }

    @Override
    public void narrow(RequestSpec request, SearchBounds bounds) {
        bounds.requireRamMb(request.flavor().ramMb());
    }
}
