package io.strato.scheduler.filter;

import io.strato.scheduler.host.Capacity;
import io.strato.scheduler.host.HostState;
import io.strato.scheduler.index.SearchBounds;
import io.strato.scheduler.request.RequestSpec;

/**
 * Mirrors Nova's {@code DiskFilter (today placement's DISK_GB inventory)}: the flavor fits when
 * {@code used + requested <= (total - reserved) * allocation_ratio} and {@code requested <= total}.
 */
public final class DiskFilter implements HostFilter {

    @Override
    public String name() {
        return "DiskFilter";
    }

    @Override
    public boolean passes(HostState host, RequestSpec request) {
        return host.diskGb().fits(request.flavor().diskGb());
    }

    @Override
    public String reason(HostState host, RequestSpec request) {
        Capacity c = host.diskGb();
        return "needs " + request.flavor().diskGb() + " GB disk, " + Math.max(0, c.free()) + " free of " + c.limit()
                + " (total " + c.total() + ", reserved " + c.reserved() + ", allocation ratio " + c.allocationRatio() + ")";
    }

    @Override
    public void narrow(RequestSpec request, SearchBounds bounds) {
        bounds.requireDiskGb(request.flavor().diskGb());
    }
}
