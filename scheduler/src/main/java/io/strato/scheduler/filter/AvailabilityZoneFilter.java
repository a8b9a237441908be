package io.strato.scheduler.filter;

import io.strato.scheduler.host.HostState;
import io.strato.scheduler.index.SearchBounds;
import io.strato.scheduler.index.TagDictionary;
import io.strato.scheduler.request.RequestSpec;

/**
 * Mirrors Nova's {@code AvailabilityZoneFilter}: when the request names a zone, only hosts in that
 * zone pass; a request without a zone may go anywhere.
 */
public final class AvailabilityZoneFilter implements HostFilter {

    @Override
    public String name() {
        return "AvailabilityZoneFilter";
    }

    @Override
    public boolean passes(HostState host, RequestSpec request) {
        String wanted = request.availabilityZone();
        return wanted.isEmpty() || wanted.equals(host.traits().availabilityZone());
    }

    @Override
    public String reason(HostState host, RequestSpec request) {
        return "host is in zone '" + host.traits().availabilityZone() + "', request asks for '" + request.availabilityZone() + "'";
    }

    @Override
    public void narrow(RequestSpec request, SearchBounds bounds) {
        if (!request.availabilityZone().isEmpty()) {
            bounds.requireTag(TagDictionary.zone(request.availabilityZone()));
        }
    }
}
