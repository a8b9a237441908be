package io.strato.scheduler.request;

import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * The server group the instances join, with the hosts its members already run on (resolved by
 * the caller from the group's members).
 */
public record ServerGroup(String id, GroupPolicy policy, Set<String> hosts) {

    public ServerGroup {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(policy, "policy");
        hosts = hosts == null ? Set.of() : Set.copyOf(hosts);
    }

    /** The group once another member is placed on {@code host}. */
    public ServerGroup withHost(String host) {
        if (hosts.contains(host)) {
            return this;
        }
        Set<String> more = new HashSet<>(hosts);
        more.add(host);
        return new ServerGroup(id, policy, more);
    }
}
