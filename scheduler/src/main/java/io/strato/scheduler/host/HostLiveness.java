package io.strato.scheduler.host;

import java.time.Clock;

/**
 * Whether a host is up in Nova's sense ({@code service_down_time}), with a host's silence counted only while the
 * scheduler could read the hosts' reports. Nova's rule alone (now minus the last report) declares every host dead when
 * the reports stop because the broker, not the hosts, was down: after an outage longer than {@code service_down_time}
 * every boot would end in "No valid host" until each agent reported again.
 *
 * <p>The reader of the reports says, with {@link #confirmed}, up to when it has read everything. While that is not
 * recent (the broker is down, or has just come back and nothing has been confirmed yet), a host's silence is measured
 * as of the last confirmed moment: the hosts up then stay up, those already down stay down. Once confirmed again after
 * such a gap, silence counts from the confirmation for the hosts that have not reported since, so they have
 * {@code service_down_time} to report again. Until the first confirmation (or with nobody confirming: unit tests,
 * benchmarks) it is Nova's rule.
 *
 * <p>NOTE: a host that died during an outage is taken for up during {@code service_down_time} after it; its builds
 * then fail on arrival and are rescheduled, or end at the build timeout, as for a host that dies between reports.
 */
public final class HostLiveness {
    private final Clock clock;
    private final long serviceDownTimeMillis;
    // Written by the reader of the reports, read by every placement: volatile, and a placement that sees one
    // confirmation half applied only judges a host by the previous one.
    private volatile long confirmedAt = -1;
    private volatile long staleAfterMillis;
    private volatile long liveSince = Long.MIN_VALUE;

    public HostLiveness(Clock clock, long serviceDownTimeMillis) {
        this.clock = clock;
        this.serviceDownTimeMillis = serviceDownTimeMillis;
    }

    public long now() {
        return clock.millis();
    }

    public long serviceDownTimeMillis() {
        return serviceDownTimeMillis;
    }

    /**
     * Every report published before {@code asOfMillis} has been read. The next confirmation is expected within
     * {@code staleAfterMillis}; a longer gap counts as an outage of the reports.
     */
    public synchronized void confirmed(long asOfMillis, long staleAfterMillis) {
        if (asOfMillis <= confirmedAt) {
            return;
        }
        if (confirmedAt >= 0 && asOfMillis - confirmedAt > this.staleAfterMillis) {
            liveSince = asOfMillis;
        }
        confirmedAt = asOfMillis;
        this.staleAfterMillis = staleAfterMillis;
    }

    /** How long {@code host} has been silent, in the sense above. */
    public long silentMillis(HostState host) {
        long now = clock.millis();
        long last = host.lastHeartbeatMillis();
        if (confirmedAt < 0) {
            return now - last;
        }
        if (now - confirmedAt > staleAfterMillis) {
            return confirmedAt - last;
        }
        return now - Math.max(last, liveSince);
    }

    /** Enabled and heard from within {@code service_down_time}, in the sense above. */
    public boolean isUp(HostState host) {
        return host.enabled() && silentMillis(host) <= serviceDownTimeMillis;
    }
}
