package io.strato.scheduler.filter;

import io.strato.scheduler.host.HostState;
import io.strato.scheduler.index.SearchBounds;
import io.strato.scheduler.request.RequestSpec;

/**
 * Mirrors Nova's {@code SameHostFilter}: with a {@code same_host} hint, only a host running one of
 * the named instances passes.
 */
public final class SameHostFilter implements HostFilter {

    @Override
    public String name() {
        return "SameHostFilter";
    }

    @Override
    public boolean passes(HostState host, RequestSpec request) {
        return request.hints().sameHost().isEmpty() || request.hints().sameHost().contains(host.name());
    }

    @Override
    public String reason(HostState host, RequestSpec request) {
        return "same_host asks for one of " + request.hints().sameHost();
    }

    @Override
    public void narrow(RequestSpec request, SearchBounds bounds) {
        if (!request.hints().sameHost().isEmpty()) {
            bounds.restrictTo(request.hints().sameHost());
        }
    }
}
