package io.strato.scheduler;

import io.strato.scheduler.request.Flavor;
import io.strato.scheduler.request.RequestSpec;
import java.util.Map;

/** Requests for tests. */
final class FakeRequests {

    static final Flavor SMALL = new Flavor("m1.small", 1, 2048, 20, Map.of());

    private FakeRequests() {
    }

    static Flavor flavor(int vcpus, long ramMb, long diskGb) {
        return new Flavor("f-" + vcpus + "-" + ramMb + "-" + diskGb, vcpus, ramMb, diskGb, Map.of());
    }

    static Flavor flavorWithSpecs(Map<String, String> extraSpecs) {
        return new Flavor("special", 1, 2048, 20, extraSpecs);
    }

    static RequestSpec request(String instanceId, Flavor flavor) {
        return RequestSpec.of(instanceId, flavor);
    }

    static RequestSpec request(Flavor flavor) {
        return RequestSpec.of("instance-1", flavor);
    }
}
