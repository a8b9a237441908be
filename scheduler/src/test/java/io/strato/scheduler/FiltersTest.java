package io.strato.scheduler;

import static io.strato.scheduler.FakeRequests.SMALL;
import static io.strato.scheduler.FakeRequests.flavor;
import static io.strato.scheduler.FakeRequests.flavorWithSpecs;
import static io.strato.scheduler.FakeRequests.request;
import static io.strato.scheduler.TestHosts.host;
import static org.assertj.core.api.Assertions.assertThat;

import io.strato.scheduler.filter.AggregateInstanceExtraSpecsFilter;
import io.strato.scheduler.filter.AvailabilityZoneFilter;
import io.strato.scheduler.filter.ComputeFilter;
import io.strato.scheduler.filter.CoreFilter;
import io.strato.scheduler.filter.DifferentHostFilter;
import io.strato.scheduler.filter.DiskFilter;
import io.strato.scheduler.filter.HostFilter;
import io.strato.scheduler.filter.ImagePropertiesFilter;
import io.strato.scheduler.filter.IoOpsFilter;
import io.strato.scheduler.filter.NumInstancesFilter;
import io.strato.scheduler.filter.RamFilter;
import io.strato.scheduler.filter.SameHostFilter;
import io.strato.scheduler.filter.ServerGroupAffinityFilter;
import io.strato.scheduler.filter.ServerGroupAntiAffinityFilter;
import io.strato.scheduler.filter.Verdict;
import io.strato.scheduler.host.Capacity;
import io.strato.scheduler.host.HostLiveness;
import io.strato.scheduler.host.HostState;
import io.strato.scheduler.request.GroupPolicy;
import io.strato.scheduler.request.ImageRequirements;
import io.strato.scheduler.request.RequestSpec;
import io.strato.scheduler.request.SchedulerHints;
import io.strato.scheduler.request.ServerGroup;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One row per case: which filter, which host, which request, and whether the host may take it. */
class FiltersTest {

    private static Arguments row(String what, HostFilter filter, HostState host, RequestSpec request, boolean passes) {
        return Arguments.of(what, filter, host, request, passes);
    }

    static Stream<Arguments> cases() {
        ComputeFilter compute = new ComputeFilter(new HostLiveness(TestHosts.clock(), 60_000));
        RamFilter ram = new RamFilter();
        CoreFilter core = new CoreFilter();
        DiskFilter disk = new DiskFilter();
        AvailabilityZoneFilter az = new AvailabilityZoneFilter();
        ImagePropertiesFilter image = new ImagePropertiesFilter();
        AggregateInstanceExtraSpecsFilter aggregates = new AggregateInstanceExtraSpecsFilter();
        ServerGroupAffinityFilter affinity = new ServerGroupAffinityFilter();
        ServerGroupAntiAffinityFilter antiAffinity = new ServerGroupAntiAffinityFilter();
        SameHostFilter sameHost = new SameHostFilter();
        DifferentHostFilter differentHost = new DifferentHostFilter();
        NumInstancesFilter numInstances = new NumInstancesFilter(50);
        IoOpsFilter ioOps = new IoOpsFilter(8);
        RequestSpec small = request(SMALL);
        ServerGroup affinityGroup = new ServerGroup("g", GroupPolicy.AFFINITY, Set.of("h1"));
        ServerGroup antiGroup = new ServerGroup("g", GroupPolicy.ANTI_AFFINITY, Set.of("h1"));
        return Stream.of(
                row("an enabled host that reported just now is up", compute, host("h1").state(), small, true),
                row("a disabled host takes nothing", compute, host("h1").disabled().state(), small, false),
                row("a host silent for exactly service_down_time is still up", compute, host("h1").silentForMillis(60_000).state(), small, true),
                row("a host silent for longer than service_down_time is down", compute, host("h1").silentForMillis(60_001).state(), small, false),

                row("RAM that fits exactly passes", ram, host("h1").ram(new Capacity(4096, 0, 1.0, 2048)).state(), request(flavor(1, 2048, 1)), true),
                row("one MB too little RAM fails", ram, host("h1").ram(new Capacity(4096, 0, 1.0, 2049)).state(), request(flavor(1, 2048, 1)), false),
                row("reserved RAM is not usable", ram, host("h1").ram(new Capacity(4096, 1024, 1.0, 1024)).state(), request(flavor(1, 2048, 1)), true),
                row("reserved RAM counts before the ratio", ram, host("h1").ram(new Capacity(4096, 1024, 1.0, 1025)).state(), request(flavor(1, 2048, 1)), false),
                row("a RAM ratio of 1.5 overcommits", ram, host("h1").ram(new Capacity(4096, 0, 1.5, 4096)).state(), request(flavor(1, 2048, 1)), true),
                row("a flavor bigger than the host's physical RAM never fits", ram, host("h1").ram(new Capacity(4096, 0, 4.0, 0)).state(), request(flavor(1, 8192, 1)), false),

                row("16 vCPUs at ratio 4 take 64", core, host("h1").vcpus(new Capacity(16, 0, 4.0, 60)).state(), request(flavor(4, 512, 1)), true),
                row("one vCPU over the ratio fails", core, host("h1").vcpus(new Capacity(16, 0, 4.0, 61)).state(), request(flavor(4, 512, 1)), false),
                row("reserved host CPUs are taken off first", core, host("h1").vcpus(new Capacity(16, 4, 1.0, 10)).state(), request(flavor(2, 512, 1)), true),
                row("reserved host CPUs leave no room", core, host("h1").vcpus(new Capacity(16, 4, 1.0, 11)).state(), request(flavor(2, 512, 1)), false),

                row("disk that fits passes", disk, host("h1").disk(new Capacity(100, 10, 1.0, 70)).state(), request(flavor(1, 512, 20)), true),
                row("disk short by one GB fails", disk, host("h1").disk(new Capacity(100, 10, 1.0, 71)).state(), request(flavor(1, 512, 20)), false),
                row("a zero-disk flavor (boot from volume) fits a full disk", disk, host("h1").disk(new Capacity(100, 0, 1.0, 100)).state(), request(flavor(1, 512, 0)), true),

                row("no zone requested: any zone", az, host("h1").zone("az2").state(), small, true),
                row("the requested zone passes", az, host("h1").zone("az2").state(), small.withAvailabilityZone("az2"), true),
                row("another zone fails", az, host("h1").zone("az1").state(), small.withAvailabilityZone("az2"), false),

                row("an image asking nothing fits any host", image, host("h1").arch("aarch64").state(), small, true),
                row("matching architecture passes", image, host("h1").state(), small.withImage(new ImageRequirements("x86_64", "", "")), true),
                row("amd64 is x86_64", image, host("h1").state(), small.withImage(new ImageRequirements("amd64", "", "")), true),
                row("an ARM image does not go to an x86 host", image, host("h1").state(), small.withImage(new ImageRequirements("aarch64", "", "")), false),
                row("hypervisor type compares without case", image, host("h1").state(), small.withImage(new ImageRequirements("", "qemu", "")), true),
                row("another hypervisor type fails", image, host("h1").state(), small.withImage(new ImageRequirements("", "xen", "")), false),
                row("a new enough hypervisor passes", image, host("h1").hypervisor("QEMU", 8_002_000).state(), small.withImage(new ImageRequirements("", "", ">= 8000000")), true),
                row("a too old hypervisor fails", image, host("h1").hypervisor("QEMU", 7_000_000).state(), small.withImage(new ImageRequirements("", "", ">= 8000000")), false),

                row("no extra specs: any host", aggregates, host("h1").state(), small, true),
                row("scoped spec matched by an aggregate", aggregates, host("h1").aggregate("fast", "ssd", "true").state(),
                        request(flavorWithSpecs(Map.of("aggregate_instance_extra_specs:ssd", "true"))), true),
                row("unscoped spec matched by an aggregate", aggregates, host("h1").aggregate("fast", "ssd", "true").state(),
                        request(flavorWithSpecs(Map.of("ssd", "true"))), true),
                row("a host without the key fails", aggregates, host("h1").state(),
                        request(flavorWithSpecs(Map.of("aggregate_instance_extra_specs:ssd", "true"))), false),
                row("a different value fails", aggregates, host("h1").aggregate("slow", "ssd", "false").state(),
                        request(flavorWithSpecs(Map.of("ssd", "true"))), false),
                row("other scopes are ignored", aggregates, host("h1").state(),
                        request(flavorWithSpecs(Map.of("hw:cpu_policy", "dedicated"))), true),
                row("operators work on aggregate values", aggregates, host("h1").aggregate("big", "cpu_gen", "9").state(),
                        request(flavorWithSpecs(Map.of("cpu_gen", ">= 8"))), true),

                row("affinity group without members: anywhere", affinity, host("h2").state(),
                        small.withGroup(new ServerGroup("g", GroupPolicy.AFFINITY, Set.of())), true),
                row("affinity group: the members' host passes", affinity, host("h1").state(), small.withGroup(affinityGroup), true),
                row("affinity group: another host fails", affinity, host("h2").state(), small.withGroup(affinityGroup), false),
                row("anti-affinity: a member's host fails", antiAffinity, host("h1").state(), small.withGroup(antiGroup), false),
                row("anti-affinity: another host passes", antiAffinity, host("h2").state(), small.withGroup(antiGroup), true),
                row("anti-affinity ignores affinity groups", antiAffinity, host("h1").state(), small.withGroup(affinityGroup), true),

                row("same_host: the named instance's host passes", sameHost, host("h1").state(), small.withHints(new SchedulerHints(Set.of("h1"), Set.of())), true),
                row("same_host: another host fails", sameHost, host("h2").state(), small.withHints(new SchedulerHints(Set.of("h1"), Set.of())), false),
                row("different_host: the named instance's host fails", differentHost, host("h1").state(), small.withHints(new SchedulerHints(Set.of(), Set.of("h1"))), false),
                row("different_host: another host passes", differentHost, host("h2").state(), small.withHints(new SchedulerHints(Set.of(), Set.of("h1"))), true),

                row("49 instances: room for one more", numInstances, host("h1").instances(49).state(), small, true),
                row("50 instances: full", numInstances, host("h1").instances(50).state(), small, false),
                row("7 builds in progress: room for one more", ioOps, host("h1").ioOps(7).state(), small, true),
                row("8 builds in progress: too busy", ioOps, host("h1").ioOps(8).state(), small, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @DisplayName("each filter lets through exactly the hosts Nova's would")
    void filterDecides(String what, HostFilter filter, HostState host, RequestSpec request, boolean passes) {
        Verdict verdict = filter.test(host, request);

        assertThat(verdict.passed()).as(what).isEqualTo(passes);
        if (!passes) {
            assertThat(verdict.reason()).as("a rejected host says why").isNotBlank();
        }
    }
}
