package io.strato.scheduler.bench;

import io.strato.scheduler.request.Flavor;
import io.strato.scheduler.request.ImageRequirements;
import io.strato.scheduler.request.RequestSpec;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Single-instance boot requests as a public cloud sees them: mostly small flavors, a quarter
 * pinned to a zone, some asking for SSD or GPU aggregates through flavor extra specs, a few ARM
 * images with a hypervisor version requirement.
 */
final class RequestMix {

    private static final Flavor[] FLAVORS = {
        new Flavor("m1.tiny", 1, 512, 1, Map.of()),
        new Flavor("m1.small", 1, 2048, 20, Map.of()),
        new Flavor("m1.small", 1, 2048, 20, Map.of()),
        new Flavor("m1.medium", 2, 4096, 40, Map.of()),
        new Flavor("m1.medium", 2, 4096, 40, Map.of()),
        new Flavor("m1.large", 4, 8192, 80, Map.of()),
        new Flavor("m1.xlarge", 8, 16384, 160, Map.of()),
    };
    private static final Flavor SSD_LARGE = new Flavor("s1.large", 4, 8192, 80,
            Map.of("aggregate_instance_extra_specs:ssd", "true"));
    private static final Flavor GPU_XLARGE = new Flavor("g1.xlarge", 8, 32768, 200,
            Map.of("aggregate_instance_extra_specs:gpu", "true", "hw:cpu_policy", "dedicated"));
    private static final ImageRequirements ARM_IMAGE = new ImageRequirements("aarch64", "qemu", ">= 8000000");
    private static final String[] ZONES = {"az1", "az2", "az3", "az4"};

    private final SplittableRandom random;
    private long sequence;

    RequestMix(long seed) {
        this.random = new SplittableRandom(seed);
    }

    RequestSpec next() {
        String id = "inst-" + Long.toHexString(sequence++) + "-" + Long.toHexString(random.nextLong() & 0xffffffL);
        int roll = random.nextInt(100);
        Flavor flavor = roll < 10 ? SSD_LARGE : roll < 12 ? GPU_XLARGE : FLAVORS[random.nextInt(FLAVORS.length)];
        RequestSpec spec = RequestSpec.of(id, flavor);
        if (random.nextInt(100) < 25) {
            spec = spec.withAvailabilityZone(ZONES[random.nextInt(ZONES.length)]);
        }
        if (random.nextInt(100) < 3) {
            spec = spec.withImage(ARM_IMAGE);
        }
        return spec;
    }

    static List<String> filters() {
        return List.of("AvailabilityZoneFilter", "RamFilter", "CoreFilter", "DiskFilter", "ComputeFilter",
                "ImagePropertiesFilter", "ServerGroupAntiAffinityFilter", "ServerGroupAffinityFilter",
                "AggregateInstanceExtraSpecsFilter", "NumInstancesFilter", "IoOpsFilter");
    }
}
