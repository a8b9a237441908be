package io.strato.scheduler.service;

import io.strato.common.messages.BootRequest;
import io.strato.scheduler.request.Flavor;
import io.strato.scheduler.request.GroupPolicy;
import io.strato.scheduler.request.ImageRequirements;
import io.strato.scheduler.request.RequestSpec;
import io.strato.scheduler.request.SchedulerHints;
import io.strato.scheduler.request.ServerGroup;
import java.util.Set;

/** Turns the gateway's boot request (the Kafka message) into the core's {@link RequestSpec}. */
final class RequestSpecs {

    private RequestSpecs() {
    }

    /**
     * The request the core places: every instance, flavor, image properties, zone, hard server-group policy, the
     * {@code same_host}/{@code different_host} hints and, on a reschedule, the hosts already tried.
     *
     * @throws IllegalArgumentException when the request cannot be placed as such (an instance named twice)
     */
    static RequestSpec from(BootRequest boot) {
        return from(boot, boot.instanceIds());
    }

    /** The same for some of its instances only (the others were cancelled). */
    static RequestSpec from(BootRequest boot, java.util.List<String> instanceIds) {
        BootRequest.Flavor f = boot.flavor();
        return new RequestSpec(boot.reservationId(), instanceIds,
                new Flavor(f.id(), f.vcpus(), f.ramMb(), f.diskGb(), f.extraSpecs()),
                ImageRequirements.fromProperties(boot.image().properties()),
                boot.availabilityZone(), group(boot.group()),
                new SchedulerHints(Set.copyOf(boot.sameHostAs()), Set.copyOf(boot.differentHostFrom())),
                Set.copyOf(boot.excludedHosts()));
    }

    // NOTE: soft-affinity and soft-anti-affinity are weighers in Nova (ServerGroupSoftAffinityWeigher), which the
    // core does not have yet: such a group places like no group at all rather than failing the request.
    private static ServerGroup group(BootRequest.Group group) {
        if (group == null || group.policy().startsWith("soft-")) {
            return null;
        }
        return new ServerGroup(group.id(), GroupPolicy.fromNovaName(group.policy()), Set.copyOf(group.memberHosts()));
    }
}
