package io.strato.scheduler.index;

import java.util.HashSet;
import java.util.Set;

/**
 * Necessary conditions that enabled filters state about a request, so the index can skip whole
 * groups of hosts that cannot pass. Every condition must be implied by a filter: the filters still
 * run on every host the search reaches, so a bound only ever saves work.
 */
public final class SearchBounds {

    private final TagDictionary tags;
    private long minVcpus;
    private long minRamMb;
    private long minDiskGb;
    private long requiredTags;
    private int ioOpsBelow = Integer.MAX_VALUE;
    private int instancesBelow = Integer.MAX_VALUE;
    private Set<String> onlyHosts;

    public SearchBounds(TagDictionary tags) {
        this.tags = tags;
    }

    public void requireVcpus(long vcpus) {
        minVcpus = Math.max(minVcpus, vcpus);
    }

    public void requireRamMb(long ramMb) {
        minRamMb = Math.max(minRamMb, ramMb);
    }

    public void requireDiskGb(long diskGb) {
        minDiskGb = Math.max(minDiskGb, diskGb);
    }

    /** Only hosts with fewer than {@code limit} builds in progress. */
    public void requireIoOpsBelow(int limit) {
        ioOpsBelow = Math.min(ioOpsBelow, limit);
    }

    /** Only hosts running fewer than {@code limit} instances. */
    public void requireInstancesBelow(int limit) {
        instancesBelow = Math.min(instancesBelow, limit);
    }

    /** Only hosts that were up at their last index update. */
    public void requireUp() {
        requiredTags |= TagDictionary.UP;
    }

    /** Only hosts having {@code tag} (see {@link TagDictionary}'s tag names). */
    public void requireTag(String tag) {
        requiredTags |= tags.bitOf(tag);
    }

    /** Only these hosts (intersected with any earlier restriction). */
    public void restrictTo(Set<String> hosts) {
        if (onlyHosts == null) {
            onlyHosts = new HashSet<>(hosts);
        } else {
            onlyHosts.retainAll(hosts);
        }
    }

    long minVcpus() {
        return minVcpus;
    }

    long minRamMb() {
        return minRamMb;
    }

    long minDiskGb() {
        return minDiskGb;
    }

    int ioOpsBelow() {
        return ioOpsBelow;
    }

    int instancesBelow() {
        return instancesBelow;
    }

    long requiredTags() {
        return requiredTags;
    }

    /** The hosts the search is limited to, or null for all. */
    Set<String> onlyHosts() {
        return onlyHosts;
    }
}
