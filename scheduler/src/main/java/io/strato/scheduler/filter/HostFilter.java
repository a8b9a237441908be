package io.strato.scheduler.filter;

import io.strato.scheduler.host.HostState;
import io.strato.scheduler.index.SearchBounds;
import io.strato.scheduler.request.RequestSpec;

/**
 * Answers "can this host take this request?" (Nova's BaseHostFilter). Chosen and ordered by
 * {@link #name()} in configuration.
 *
 * <p>Contract: {@link #passes} is pure (no side effects, no I/O) and cheap, because it runs on
 * the decision path for every host the search reaches; {@link #reason} is only asked after
 * {@code passes} said no. Filters are stateless and shared between threads.
 */
public interface HostFilter {

    /** The Nova class name this filter mirrors; the value used in configuration. */
    String name();

    boolean passes(HostState host, RequestSpec request);

    /** Why {@code host} fails {@code request}, for an operator to read. */
    String reason(HostState host, RequestSpec request);

    /** Pass, or the reason the host cannot take the request. */
    default Verdict test(HostState host, RequestSpec request) {
        return passes(host, request) ? Verdict.PASS : Verdict.reject(reason(host, request));
    }

    /**
     * States conditions implied by this filter that the host index can check on whole groups of
     * hosts. Optional: a filter that adds nothing is still applied to every candidate.
     */
    default void narrow(RequestSpec request, SearchBounds bounds) {
    }

    /**
     * False for a filter that judges the host alone (alive, busy, full of instances): its
     * {@link #passes} then never reads the request and accepts null. Hosts failing such a filter
     * are left out of the weight normalisation ranges, as Nova leaves them out of the weighed set.
     */
    default boolean dependsOnRequest() {
        return true;
    }
}
