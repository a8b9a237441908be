package io.strato.scheduler.request;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One boot request: every instance of a (multi-)create, with what they need (Nova's RequestSpec).
 *
 * @param instanceIds    one id per instance to place; scheduling is idempotent per id
 * @param availabilityZone the requested zone, or empty for any
 * @param group          the server group, or null
 * @param excludedHosts  hosts not to use (hosts that already failed this build, Nova's retries)
 */
public record RequestSpec(
        String requestId,
        List<String> instanceIds,
        Flavor flavor,
        ImageRequirements image,
        String availabilityZone,
        ServerGroup group,
        SchedulerHints hints,
        Set<String> excludedHosts) {

    public RequestSpec {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(flavor, "flavor");
        instanceIds = List.copyOf(instanceIds);
        if (instanceIds.isEmpty()) {
            throw new IllegalArgumentException("request " + requestId + " names no instance");
        }
        if (Set.copyOf(instanceIds).size() != instanceIds.size()) {
            throw new IllegalArgumentException("request " + requestId + " names an instance twice");
        }
        image = image == null ? ImageRequirements.NONE : image;
        availabilityZone = availabilityZone == null ? "" : availabilityZone;
        hints = hints == null ? SchedulerHints.NONE : hints;
        excludedHosts = excludedHosts == null ? Set.of() : Set.copyOf(excludedHosts);
    }

    /** A single-instance request with nothing but a flavor. */
    public static RequestSpec of(String instanceId, Flavor flavor) {
        return new RequestSpec(instanceId, List.of(instanceId), flavor, null, null, null, null, null);
    }

    public int instanceCount() {
        return instanceIds.size();
    }

    /** This request as the next instance sees it, once an earlier one went to {@code host}. */
    public RequestSpec withPlacedHost(String host) {
        if (group == null) {
            return this;
        }
        return new RequestSpec(requestId, instanceIds, flavor, image, availabilityZone, group.withHost(host), hints, excludedHosts);
    }

    public RequestSpec withAvailabilityZone(String zone) {
        return new RequestSpec(requestId, instanceIds, flavor, image, zone, group, hints, excludedHosts);
    }

    public RequestSpec withGroup(ServerGroup newGroup) {
        return new RequestSpec(requestId, instanceIds, flavor, image, availabilityZone, newGroup, hints, excludedHosts);
    }

    public RequestSpec withHints(SchedulerHints newHints) {
        return new RequestSpec(requestId, instanceIds, flavor, image, availabilityZone, group, newHints, excludedHosts);
    }

    public RequestSpec withImage(ImageRequirements newImage) {
        return new RequestSpec(requestId, instanceIds, flavor, newImage, availabilityZone, group, hints, excludedHosts);
    }

    public RequestSpec withExcludedHosts(Set<String> hosts) {
        return new RequestSpec(requestId, instanceIds, flavor, image, availabilityZone, group, hints, hosts);
    }

    public RequestSpec withInstanceIds(List<String> ids) {
        return new RequestSpec(requestId, ids, flavor, image, availabilityZone, group, hints, excludedHosts);
    }
}
