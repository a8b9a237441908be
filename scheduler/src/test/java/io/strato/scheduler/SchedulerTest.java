package io.strato.scheduler;

import static io.strato.scheduler.FakeRequests.SMALL;
import static io.strato.scheduler.FakeRequests.flavor;
import static io.strato.scheduler.FakeRequests.request;
import static io.strato.scheduler.TestHosts.host;
import static org.assertj.core.api.Assertions.assertThat;

import io.strato.scheduler.filter.HostFilter;
import io.strato.scheduler.host.Capacity;
import io.strato.scheduler.host.HostReport;
import io.strato.scheduler.host.HostState;
import io.strato.scheduler.host.HostStateStore;
import io.strato.scheduler.request.GroupPolicy;
import io.strato.scheduler.request.RequestSpec;
import io.strato.scheduler.request.ServerGroup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchedulerTest {

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private HostStateStore store(HostReport... hosts) {
        HostStateStore store = HostStateStore.inMemory(256, Duration.ofMinutes(10), TestHosts.clock());
        open.add(store);
        for (HostReport report : hosts) {
            store.upsertFromReport(report);
        }
        return store;
    }

    private Scheduler scheduler(HostStateStore store) {
        return scheduler(store, SchedulerConfig.defaults());
    }

    private Scheduler scheduler(HostStateStore store, SchedulerConfig config) {
        PlacementLedger ledger = PlacementLedger.inMemory(10_000);
        open.add(ledger);
        return new Scheduler(config, store, ledger, 256, TestHosts.clock());
    }

    private static RequestSpec multiCreate(int instances, ServerGroup group) {
        List<String> ids = IntStream.rangeClosed(1, instances).mapToObj(i -> "instance-" + i).toList();
        return RequestSpec.of("instance-1", SMALL).withInstanceIds(ids).withGroup(group);
    }

    private static List<Placement> placements(ScheduleResult result) {
        assertThat(result).isInstanceOf(ScheduleResult.Scheduled.class);
        return ((ScheduleResult.Scheduled) result).placements();
    }

    private static String fault(ScheduleResult result) {
        assertThat(result).isInstanceOf(ScheduleResult.NoValidHost.class);
        return ((ScheduleResult.NoValidHost) result).message();
    }

    @Test
    @DisplayName("a boot lands on the emptiest host, with max_attempts - 1 next-best alternates")
    void choosesBestWithAlternates() {
        HostStateStore store = store(host("full").free(4, 8_000, 100).report(), host("empty").free(64, 200_000, 4_000).report(),
                host("half").free(32, 100_000, 2_000).report(), host("third").free(16, 50_000, 1_000).report());
        Scheduler scheduler = scheduler(store);

        Placement placement = placements(scheduler.schedule(request(SMALL))).get(0);

        assertThat(placement.host()).isEqualTo("empty");
        assertThat(placement.alternates()).containsExactly("half", "third");
        assertThat(store.get("empty").orElseThrow().vcpus().used()).isEqualTo(64 - 64 + 1);
    }

    @Test
    @DisplayName("a redelivered boot request gets the same host and claims nothing more")
    void redeliveryDoesNotClaimTwice() {
        HostStateStore store = store(host("h1").report(), host("h2").report());
        Scheduler scheduler = scheduler(store);
        RequestSpec boot = request("instance-1", SMALL);

        Placement first = placements(scheduler.schedule(boot)).get(0);
        Placement again = placements(scheduler.schedule(boot)).get(0);

        assertThat(again).isEqualTo(first);
        long ramUsed = store.get("h1").orElseThrow().ramMb().used() + store.get("h2").orElseThrow().ramMb().used();
        assertThat(ramUsed).isEqualTo(SMALL.ramMb());
    }

    @Test
    @DisplayName("a redelivered request after a scheduler restart gets the same host and claims nothing more")
    void redeliveryAfterRestart(@TempDir Path dir) {
        RequestSpec boot = request("instance-1", SMALL);
        Placement first;
        try (HostStateStore store = HostStateStore.open(dir.resolve("hosts.cm"), 64, Duration.ofMinutes(10), TestHosts.clock());
             PlacementLedger ledger = PlacementLedger.open(dir.resolve("placements.cm"), 1_000)) {
            store.upsertFromReport(host("h1").report());
            store.upsertFromReport(host("h2").report());
            first = placements(new Scheduler(SchedulerConfig.defaults(), store, ledger, 64, TestHosts.clock()).schedule(boot)).get(0);
        }
        try (HostStateStore store = HostStateStore.open(dir.resolve("hosts.cm"), 64, Duration.ofMinutes(10), TestHosts.clock());
             PlacementLedger ledger = PlacementLedger.open(dir.resolve("placements.cm"), 1_000)) {
            Scheduler restarted = new Scheduler(SchedulerConfig.defaults(), store, ledger, 64, TestHosts.clock());

            assertThat(restarted.index().get(first.host()).hasClaimFor("instance-1")).isTrue();
            assertThat(placements(restarted.schedule(boot)).get(0)).isEqualTo(first);
            assertThat(store.get(first.host()).orElseThrow().ramMb().used()).isEqualTo(SMALL.ramMb());
        }
    }

    @Test
    @DisplayName("multi-create in an anti-affinity group puts every instance on its own host")
    void antiAffinitySpreads() {
        HostStateStore store = store(host("h1").free(64, 200_000, 4_000).report(), host("h2").free(8, 20_000, 500).report(),
                host("h3").free(8, 20_000, 500).report());
        Scheduler scheduler = scheduler(store);

        List<Placement> placed = placements(scheduler.schedule(multiCreate(3, new ServerGroup("g", GroupPolicy.ANTI_AFFINITY, Set.of()))));

        assertThat(placed).extracting(Placement::host).containsExactlyInAnyOrder("h1", "h2", "h3");
    }

    @Test
    @DisplayName("multi-create without a group sees earlier claims: each instance goes to the then-emptiest host")
    void multiCreateSeesEarlierClaims() {
        HostStateStore store = store(host("h1").free(2, 4_096, 40).report(), host("h2").free(2, 4_000, 40).report());
        Scheduler scheduler = scheduler(store, SchedulerConfig.defaults().withWeighers(List.of("RAMWeigher"), Map.of()));

        List<Placement> placed = placements(scheduler.schedule(multiCreate(3, null)));

        assertThat(placed).extracting(Placement::host).containsExactly("h1", "h2", "h1");
        assertThat(fault(scheduler.schedule(request("instance-4", SMALL)))).contains("RamFilter removed 2 of 2 hosts");
    }

    @Test
    @DisplayName("multi-create in an affinity group packs every instance on one host")
    void affinityPacks() {
        HostStateStore store = store(host("h1").free(8, 20_000, 500).report(), host("h2").free(64, 200_000, 4_000).report(),
                host("h3").free(8, 20_000, 500).report());
        Scheduler scheduler = scheduler(store);

        List<Placement> placed = placements(scheduler.schedule(multiCreate(4, new ServerGroup("g", GroupPolicy.AFFINITY, Set.of()))));

        assertThat(placed).extracting(Placement::host).containsOnly("h2");
        assertThat(store.get("h2").orElseThrow().inFlightClaims()).hasSize(4);
    }

    @Test
    @DisplayName("an affinity group joins the host its members already run on")
    void affinityFollowsExistingMembers() {
        HostStateStore store = store(host("h1").free(8, 20_000, 500).report(), host("h2").free(64, 200_000, 4_000).report());
        Scheduler scheduler = scheduler(store);

        List<Placement> placed = placements(scheduler.schedule(multiCreate(1, new ServerGroup("g", GroupPolicy.AFFINITY, Set.of("h1")))));

        assertThat(placed.get(0).host()).isEqualTo("h1");
    }

    @Test
    @DisplayName("an anti-affinity group with more instances than hosts fails whole, keeping no claim")
    void unsatisfiableAntiAffinityFailsWhole() {
        HostStateStore store = store(host("h1").report(), host("h2").report());
        Scheduler scheduler = scheduler(store);

        String message = fault(scheduler.schedule(multiCreate(3, new ServerGroup("g", GroupPolicy.ANTI_AFFINITY, Set.of()))));

        assertThat(message).isEqualTo("No valid host was found. ServerGroupAntiAffinityFilter removed 2 of 2 hosts. (placing instance 3 of 3)");
        assertNothingClaimed(store, scheduler, "h1", "h2");
    }

    @Test
    @DisplayName("an affinity group that outgrows its host fails whole, keeping no claim")
    void unsatisfiableAffinityFailsWhole() {
        HostStateStore store = store(host("h1").vcpus(new Capacity(2, 0, 1.0, 0)).report(), host("h2").vcpus(new Capacity(2, 0, 1.0, 0)).report());
        Scheduler scheduler = scheduler(store);

        String message = fault(scheduler.schedule(multiCreate(3, new ServerGroup("g", GroupPolicy.AFFINITY, Set.of()))));

        assertThat(message).startsWith("No valid host was found. ").contains("CoreFilter removed 1 of 2 hosts", "ServerGroupAffinityFilter removed 1 of 1 hosts");
        assertNothingClaimed(store, scheduler, "h1", "h2");
    }

    private static void assertNothingClaimed(HostStateStore store, Scheduler scheduler, String... hosts) {
        for (String host : hosts) {
            HostState state = store.get(host).orElseThrow();
            assertThat(state.inFlightClaims()).as(host).isEmpty();
            assertThat(state.vcpus().used()).as(host).isZero();
        }
        for (int i = 1; i <= 3; i++) {
            assertThat(scheduler.placementOf("instance-" + i)).isEmpty();
        }
    }

    @Test
    @DisplayName("No valid host says how many hosts each filter removed")
    void noValidHostCountsPerFilter() {
        List<HostReport> hosts = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            hosts.add(host("nova-" + i).report());
        }
        hosts.add(host("az2-small-1").zone("az2").ram(new Capacity(4_096, 0, 1.0, 0)).report());
        hosts.add(host("az2-small-2").zone("az2").ram(new Capacity(4_096, 0, 1.0, 0)).report());
        hosts.add(host("az2-down").zone("az2").silentForMillis(3_600_000).report());
        Scheduler scheduler = scheduler(store(hosts.toArray(HostReport[]::new)));

        String message = fault(scheduler.schedule(request(flavor(2, 8_192, 20)).withAvailabilityZone("az2")));

        assertThat(message).isEqualTo("No valid host was found. AvailabilityZoneFilter removed 7 of 10 hosts; "
                + "RamFilter removed 2 of 3 hosts; ComputeFilter removed 1 of 1 hosts.");
    }

    @Test
    @DisplayName("No valid host with no compute hosts at all says so")
    void noHostsAtAll() {
        assertThat(fault(scheduler(store()).schedule(request(SMALL)))).isEqualTo("No valid host was found. There are no compute hosts.");
    }

    @Test
    @DisplayName("disabled and silent hosts are never chosen, even when emptiest")
    void downHostsAreSkipped() {
        HostStateStore store = store(host("disabled").free(64, 200_000, 4_000).disabled().report(),
                host("silent").free(64, 200_000, 4_000).silentForMillis(120_000).report(), host("alive").free(2, 4_096, 40).report());
        Scheduler scheduler = scheduler(store);

        assertThat(placements(scheduler.schedule(request(SMALL))).get(0).host()).isEqualTo("alive");
    }

    @Test
    @DisplayName("a claim lost to another scheduler moves on to the next candidate without overcommitting")
    void lostRaceMovesOn() {
        HostStateStore store = store(host("roomy").free(1, 200_000, 4_000).report(), host("other").free(8, 20_000, 500).report());
        Scheduler a = scheduler(store);
        Scheduler b = scheduler(store);

        Placement byB = placements(b.schedule(request("instance-b", SMALL))).get(0);
        Placement byA = placements(a.schedule(request("instance-a", SMALL))).get(0);

        assertThat(byB.host()).isEqualTo("roomy");
        assertThat(byA.host()).as("a's view still thought roomy had a free vCPU").isEqualTo("other");
        assertThat(store.get("roomy").orElseThrow().vcpus().free()).isZero();
    }

    @Test
    @DisplayName("threads scheduling at once fill the hosts exactly, never beyond")
    void concurrentDecisionsNeverOvercommit() throws Exception {
        HostStateStore store = store(host("h1").vcpus(new Capacity(5, 0, 1.0, 0)).report(),
                host("h2").vcpus(new Capacity(5, 0, 1.0, 0)).report(), host("h3").vcpus(new Capacity(5, 0, 1.0, 0)).report());
        Scheduler scheduler = scheduler(store, SchedulerConfig.defaults());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<ScheduleResult>> results = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            RequestSpec boot = request("instance-" + i, flavor(1, 512, 1));
            results.add(pool.submit(() -> scheduler.schedule(boot)));
        }
        int placed = 0;
        for (Future<ScheduleResult> result : results) {
            placed += result.get(30, TimeUnit.SECONDS) instanceof ScheduleResult.Scheduled ? 1 : 0;
        }
        pool.shutdown();

        assertThat(placed).isEqualTo(15);
        for (String host : List.of("h1", "h2", "h3")) {
            assertThat(store.get(host).orElseThrow().vcpus().used()).as(host).isEqualTo(5);
        }
    }

    @Test
    @DisplayName("an agent report that has not seen a claim does not free the host for the next boot")
    void racingReportKeepsClaim() {
        HostStateStore store = store(host("h1").vcpus(new Capacity(1, 0, 1.0, 0)).report());
        Scheduler scheduler = scheduler(store);

        placements(scheduler.schedule(request("instance-1", SMALL)));
        scheduler.applyReport(host("h1").vcpus(new Capacity(1, 0, 1.0, 0)).report());

        assertThat(fault(scheduler.schedule(request("instance-2", SMALL)))).contains("CoreFilter removed 1 of 1 hosts");
    }

    @Test
    @DisplayName("releasing an instance gives its host's resources back")
    void releaseFreesCapacity() {
        HostStateStore store = store(host("h1").vcpus(new Capacity(1, 0, 1.0, 0)).report());
        Scheduler scheduler = scheduler(store);
        placements(scheduler.schedule(request("instance-1", SMALL)));

        scheduler.release("instance-1");

        assertThat(placements(scheduler.schedule(request("instance-2", SMALL))).get(0).host()).isEqualTo("h1");
        assertThat(scheduler.placementOf("instance-1")).isEmpty();
    }

    @Test
    @DisplayName("the index search picks the same weight a full scan of every host would")
    void searchMatchesFullScan() {
        SplittableRandom random = new SplittableRandom(4);
        List<HostReport> hosts = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            hosts.add(host("h" + i).free(1 + random.nextInt(64), 1_000 + random.nextInt(250_000), 10 + random.nextInt(3_900))
                    .ioOps(random.nextInt(9)).buildFailures(random.nextInt(50) == 0 ? 1 : 0).report());
        }
        HostStateStore store = store(hosts.toArray(HostReport[]::new));
        Scheduler scheduler = scheduler(store, SchedulerConfig.defaults().withFilters(
                List.of("RamFilter", "CoreFilter", "DiskFilter", "ComputeFilter", "IoOpsFilter")));
        for (int i = 0; i < 150; i++) {
            RequestSpec boot = request("instance-" + i, flavor(1 + random.nextInt(8), 512 + random.nextInt(30_000), random.nextInt(200)));
            double best = bestWeightByFullScan(scheduler, boot);

            Placement placement = placements(scheduler.schedule(boot)).get(0);

            HostState chosenBefore = scheduler.index().get(placement.host()).withoutClaim(boot.instanceIds().get(0));
            double chosen = scheduler.index().pipeline().weigh(chosenBefore, scheduler.index().fleetRanges());
            assertThat(chosen).as("decision %d", i).isEqualTo(best);
        }
    }

    private static double bestWeightByFullScan(Scheduler scheduler, RequestSpec request) {
        return scheduler.index().hosts().stream()
                .filter(h -> scheduler.filters().stream().allMatch((HostFilter f) -> f.passes(h, request)))
                .mapToDouble(h -> scheduler.index().pipeline().weigh(h, scheduler.index().fleetRanges()))
                .max().orElseThrow();
    }

    @Test
    @DisplayName("an operator's aggregate puts a host in its zone and gives it its metadata: a boot asking for that"
            + " zone or those extra specs lands there, before and after the host's next report, and nowhere as soon as"
            + " the host left the aggregate")
    void operatorAggregatesDriveZoneAndExtraSpecs() {
        HostStateStore store = store(host("plain").free(64, 200_000, 4_000).report(), host("fast").report());
        List<String> filters = new ArrayList<>(SchedulerConfig.DEFAULT_FILTERS);
        filters.add("AggregateInstanceExtraSpecsFilter");
        Scheduler scheduler = scheduler(store, SchedulerConfig.defaults().withFilters(filters));
        Scheduler.OperatorAggregates fast = new Scheduler.OperatorAggregates("az1",
                List.of(new io.strato.scheduler.host.Aggregate("fast", Map.of("availability_zone", "az1", "ssd", "true"))));

        assertThat(fault(scheduler.schedule(request("i-0", SMALL).withAvailabilityZone("az1")))).isNotEmpty();
        scheduler.applyAggregates("fast", fast);
        assertThat(placements(scheduler.schedule(request("i-1", SMALL).withAvailabilityZone("az1"))).get(0).host())
                .isEqualTo("fast");
        RequestSpec ssd = request("i-2", FakeRequests.flavorWithSpecs(Map.of("aggregate_instance_extra_specs:ssd", "true")));
        assertThat(placements(scheduler.schedule(ssd)).get(0).host()).isEqualTo("fast");

        scheduler.applyReport(host("fast").report());
        assertThat(placements(scheduler.schedule(request("i-3", SMALL).withAvailabilityZone("az1"))).get(0).host())
                .as("the agent's next report keeps the operator's zone").isEqualTo("fast");

        scheduler.applyAggregates("fast", new Scheduler.OperatorAggregates(null, List.of()));
        assertThat(fault(scheduler.schedule(request("i-4", SMALL).withAvailabilityZone("az1")))).isNotEmpty();
        assertThat(fault(scheduler.schedule(request("i-5",
                FakeRequests.flavorWithSpecs(Map.of("aggregate_instance_extra_specs:ssd", "true")))))).isNotEmpty();
    }
}
