package io.strato.scheduler.request;

import java.util.Set;

/**
 * The {@code os:scheduler_hints} {@code same_host} and {@code different_host}, as the hosts of the
 * instances they name (the caller resolves instance ids to hosts; an instance not yet placed
 * contributes nothing).
 */
public record SchedulerHints(Set<String> sameHost, Set<String> differentHost) {

    public static final SchedulerHints NONE = new SchedulerHints(Set.of(), Set.of());

    public SchedulerHints {
        sameHost = sameHost == null ? Set.of() : Set.copyOf(sameHost);
        differentHost = differentHost == null ? Set.of() : Set.copyOf(differentHost);
    }
}
