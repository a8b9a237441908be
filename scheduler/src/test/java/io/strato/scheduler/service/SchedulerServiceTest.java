package io.strato.scheduler.service;

import static io.strato.scheduler.service.Fleet.boot;
import static io.strato.scheduler.service.Fleet.host;
import static io.strato.scheduler.service.Fleet.ids;
import static io.strato.scheduler.service.Fleet.unique;
import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.kafka.HostPartitions;
import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.Topics;
import io.strato.common.messages.Assignment;
import io.strato.common.messages.BootRequest;
import io.strato.common.lifecycle.TaskState;
import io.strato.common.lifecycle.VmState;
import io.strato.common.messages.DeadLetter;
import io.strato.common.messages.InstanceUpdate;
import io.strato.common.messages.ServiceStatus;
import io.strato.embedded.SharedInfrastructure;
import io.strato.scheduler.host.HostState;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Boot requests in, assignments and faults out, through the real broker. One scheduler for the class; every test
 * works in a zone of its own, so hosts other tests left on {@code strato.host-state} never take its requests.
 */
@ExtendWith(SharedInfrastructure.class)
class SchedulerServiceTest {

    @TempDir
    static Path dir;
    static Vertx vertx;
    static KafkaProbe kafka;
    static RunningScheduler scheduler;

    @BeforeAll
    static void start() {
        // A low limit, so anything blocking an event loop shows up in the log.
        vertx = Vertx.vertx(new VertxOptions().setMaxEventLoopExecuteTime(100)
                .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS));
        kafka = new KafkaProbe(vertx, SharedInfrastructure.settings());
        scheduler = RunningScheduler.start(vertx, SharedInfrastructure.settings(), dir);
        scheduler.awaitReady();
    }

    @AfterAll
    static void stop() {
        scheduler.close();
        kafka.close();
        KafkaProbe.await(vertx.close().toCompletionStage().toCompletableFuture());
    }

    @Test
    @DisplayName("a boot request for a zone is assigned to a host of that zone with alternates from it, keyed by that "
            + "host on the assignment partition its agent reads, and the host's resources are claimed")
    void assignsWithinTheRequestedZone() {
        String zone = unique("az");
        List<String> inZone = report(zone, 3, 16, 32_768, 500);
        // Bigger, emptier hosts elsewhere: the weighers would prefer them if the zone were not enforced.
        report(unique("az"), 2, 64, 262_144, 4_000);
        String id = ids(1).get(0);
        BootRequest request = boot(List.of(id), zone, 2, 2_048, 20, null);

        Fleet.request(kafka, request);

        KafkaProbe.Seen seen = kafka.await(1, assignmentOf(id)).get(0);
        Assignment assignment = Assignment.fromJson(new JsonObject(seen.value()));
        assertThat(assignment.host()).isIn(inZone);
        assertThat(seen.topic()).isEqualTo(Topics.ASSIGNMENTS);
        assertThat(seen.key()).isEqualTo(assignment.host());
        assertThat(seen.partition()).isEqualTo(HostPartitions.of(assignment.host(),
                SharedInfrastructure.settings().getInt("kafka.assignments.partitions")));
        assertThat(assignment.alternates()).hasSize(2).doesNotContain(assignment.host()).isSubsetOf(inZone);
        assertThat(assignment.launchIndex()).isZero();
        assertThat(assignment.attempt()).isEqualTo(1);
        assertThat(assignment.request()).isEqualTo(request);
        assertThat(seen.headers()).containsEntry(Topics.REQUEST_ID_HEADER, request.requestId());
        HostState claimed = scheduler.awaitHost(assignment.host(), h -> h.hasClaimFor(id));
        assertThat(claimed.vcpus().used()).isEqualTo(2);
        assertThat(claimed.ramMb().used()).isEqualTo(2_048);
        assertThat(claimed.diskGb().used()).isEqualTo(20);
    }

    @Test
    @DisplayName("a request no host can take puts the instance in ERROR with a 'No valid host was found' fault "
            + "saying how many hosts each filter removed")
    void noValidHost() {
        String zone = unique("az");
        report(zone, 2, 16, 32_768, 500);
        String id = ids(1).get(0);

        Fleet.request(kafka, boot(List.of(id), zone, 2, 1_000_000, 20, null));

        KafkaProbe.Seen seen = kafka.await(1, updateOf(id)).get(0);
        InstanceUpdate update = InstanceUpdate.fromJson(new JsonObject(seen.value()));
        assertThat(update.vmState()).isEqualTo(VmState.ERROR);
        assertThat(update.expectedVmState()).isEqualTo(VmState.BUILDING);
        assertThat(update.expectedTaskState()).isEqualTo(TaskState.SCHEDULING);
        assertThat(update.fault().getInteger("code")).isEqualTo(500);
        assertThat(update.fault().getString("message"))
                .startsWith("No valid host was found")
                .contains("AvailabilityZoneFilter removed")
                .contains("RamFilter removed 2 of 2 hosts");
        assertThat(kafka.all(assignmentOf(id))).isEmpty();
    }

    @Test
    @DisplayName("a host whose compute service an operator disabled (strato.service-state) takes no boot, even after "
            + "its agent reports again: No valid host, ComputeFilter; enabled again, it takes boots")
    void disabledServiceTakesNoBoots() {
        String zone = unique("az");
        String host = report(zone, 1, 16, 32_768, 500).get(0);
        switchService(host, true);
        scheduler.awaitHost(host, h -> !h.enabled());
        Fleet.report(kafka, host(host, zone, 16, 32_768, 500));
        String refused = ids(1).get(0);

        Fleet.request(kafka, boot(List.of(refused), zone, 1, 512, 1, null));

        InstanceUpdate update = InstanceUpdate.fromJson(new JsonObject(kafka.await(1, updateOf(refused)).get(0)
                .value()));
        assertThat(update.vmState()).isEqualTo(VmState.ERROR);
        assertThat(update.fault().getString("message")).startsWith("No valid host was found")
                .contains("ComputeFilter removed 1 of 1 hosts");
        assertThat(kafka.all(assignmentOf(refused))).isEmpty();

        switchService(host, false);
        scheduler.awaitHost(host, HostState::enabled);
        String placed = ids(1).get(0);
        Fleet.request(kafka, boot(List.of(placed), zone, 1, 512, 1, null));
        Assignment assignment = Assignment.fromJson(new JsonObject(kafka.await(1, assignmentOf(placed)).get(0)
                .value()));
        assertThat(assignment.host()).isEqualTo(host);
    }

    private static void switchService(String host, boolean disabled) {
        kafka.publish(Topics.SERVICE_STATE, host,
                new ServiceStatus(ServiceStatus.VERSION, host, disabled, disabled ? "maintenance" : null, false)
                        .toJson().encode());
    }

    @Test
    @DisplayName("a boot request delivered twice gets the same host twice and claims its resources once")
    void redeliveredRequestClaimsOnce() {
        String zone = unique("az");
        report(zone, 2, 16, 32_768, 500);
        String id = ids(1).get(0);
        BootRequest request = boot(List.of(id), zone, 4, 4_096, 40, null);

        Fleet.request(kafka, request);
        Fleet.request(kafka, request);

        List<Assignment> both = kafka.await(2, assignmentOf(id)).stream()
                .map(s -> Assignment.fromJson(new JsonObject(s.value()))).toList();
        assertThat(both.get(1)).isEqualTo(both.get(0));
        HostState host = scheduler.awaitHost(both.get(0).host());
        assertThat(host.inFlightClaims()).hasSize(1);
        assertThat(host.vcpus().used()).isEqualTo(4);
        assertThat(host.ramMb().used()).isEqualTo(4_096);
        assertThat(host.diskGb().used()).isEqualTo(40);
    }

    @Test
    @DisplayName("a build that ends in ERROR gives its host's resources back at once, not after the claim's TTL")
    void failedBuildReleasesItsClaim() {
        String zone = unique("az");
        report(zone, 1, 16, 32_768, 500);
        String id = ids(1).get(0);
        Fleet.request(kafka, boot(List.of(id), zone, 4, 4_096, 40, null));
        Assignment a = Assignment.fromJson(new JsonObject(kafka.await(1, assignmentOf(id)).get(0).value()));
        scheduler.awaitHost(a.host(), h -> h.inFlightClaims().size() == 1);

        InstanceUpdate failed = InstanceUpdate.error(java.util.UUID.randomUUID().toString(), id, TaskState.SPAWNING,
                a.host(),
                "spawning", 500, "Build of instance " + id + " aborted while spawning: test", "", "req-test");
        kafka.publish(Topics.INSTANCE_UPDATES, id, failed.toJson().encode());
        HostState freed = scheduler.awaitHost(a.host(), h -> h.inFlightClaims().isEmpty());
        assertThat(freed.vcpus().used()).isZero();
        assertThat(freed.ramMb().used()).isZero();
    }

    @Test
    @DisplayName("a host that declines an instance placed on another host (it lost the race for it) does not free"
            + " that other host's claim")
    void declineFromAnotherHostKeepsTheClaim() {
        String zone = unique("az");
        report(zone, 1, 16, 32_768, 500);
        List<String> ids = ids(2);
        Fleet.request(kafka, boot(List.of(ids.get(0)), zone, 4, 4_096, 40, null));
        Fleet.request(kafka, boot(List.of(ids.get(1)), zone, 4, 4_096, 40, null));
        Assignment kept = Assignment.fromJson(new JsonObject(kafka.await(1, assignmentOf(ids.get(0))).get(0).value()));
        Assignment ended = Assignment.fromJson(new JsonObject(kafka.await(1, assignmentOf(ids.get(1))).get(0).value()));
        scheduler.awaitHost(kept.host(), h -> h.inFlightClaims().size() == 2);

        InstanceUpdate declined = InstanceUpdate.error(java.util.UUID.randomUUID().toString(), ids.get(0),
                TaskState.SCHEDULING,
                "another-host", "schedule", 500, "Build of instance on another-host cancelled: placed elsewhere", "",
                "req-test");
        kafka.publish(Topics.INSTANCE_UPDATES, ids.get(0), declined.toJson().encode());
        InstanceUpdate failed = InstanceUpdate.error(java.util.UUID.randomUUID().toString(), ids.get(1),
                TaskState.SPAWNING,
                ended.host(), "spawning", 500, "Build aborted while spawning: test", "", "req-test");
        // Same key as the decline: one partition, so the releaser reads the decline first.
        kafka.publish(Topics.INSTANCE_UPDATES, ids.get(0), failed.toJson().encode());
        HostState after = scheduler.awaitHost(kept.host(), h -> h.inFlightClaims().stream()
                .noneMatch(c -> c.instanceId().equals(ids.get(1))));
        assertThat(after.inFlightClaims()).as("the winner's claim stays").hasSize(1);
        assertThat(after.inFlightClaims().get(0).instanceId()).isEqualTo(ids.get(0));
        assertThat(after.vcpus().used()).isEqualTo(4);
    }

    @Test
    @DisplayName("an instance a host refused comes back as a reschedule and is assigned to another host, the "
            + "refusing host's claim given back")
    void rescheduleAvoidsTheHostsTried() {
        String zone = unique("az");
        report(zone, 2, 16, 32_768, 500);
        String id = ids(1).get(0);
        BootRequest request = boot(List.of(id), zone, 2, 2_048, 20, null);
        Fleet.request(kafka, request);
        Assignment first = Assignment.fromJson(new JsonObject(kafka.await(1, assignmentOf(id)).get(0).value()));

        // What the agent of that host publishes when the claim does not fit there after all.
        Fleet.request(kafka, request.reschedule(id, List.of(first.host())));

        // Delivery is at least once: the first assignment may be seen twice; wait for the attempt-2 one.
        Assignment second = Assignment.fromJson(new JsonObject(kafka.await(1, assignmentOf(id).and(
            s -> new JsonObject(s.value()).getInteger("attempt", 1) == 2)).get(0).value()));
        assertThat(second.host()).isNotEqualTo(first.host());
        assertThat(second.attempt()).isEqualTo(2);
        assertThat(scheduler.awaitHost(second.host()).hasClaimFor(id)).isTrue();
        HostState refused = scheduler.awaitHost(first.host(), h -> !h.hasClaimFor(id));
        assertThat(refused.vcpus().used()).isZero();
    }

    @Test
    @DisplayName("a multi-create in an anti-affinity group puts every instance on a different host")
    void antiAffinitySpreads() {
        String zone = unique("az");
        report(zone, 4, 16, 32_768, 500);
        List<String> instances = ids(3);
        BootRequest.Group group = new BootRequest.Group(unique("group"), "anti-affinity", List.of());

        Fleet.request(kafka, boot(instances, zone, 1, 1_024, 10, group));

        List<Assignment> assignments = kafka.await(3, s -> isAssignment(s) && instances.contains(new JsonObject(s.value()).getString("instance_id"))).stream()
                .map(s -> Assignment.fromJson(new JsonObject(s.value()))).toList();
        assertThat(assignments.stream().map(Assignment::host).collect(Collectors.toSet())).hasSize(3);
        assertThat(assignments.stream().map(Assignment::launchIndex).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(0, 1, 2);
    }

    @Test
    @DisplayName("records on strato.boot-requests that are not boot requests are skipped, and the next request is "
            + "still scheduled")
    void malformedRequestsAreSkipped() {
        String zone = unique("az");
        List<String> hosts = report(zone, 1, 16, 32_768, 500);
        String id = ids(1).get(0);
        BootRequest good = boot(List.of(id), zone, 1, 512, 1, null);
        // Same key, so all three land on one partition in this order.
        kafka.publish(Topics.BOOT_REQUESTS, good.reservationId(), "this is not JSON {");
        kafka.publish(Topics.BOOT_REQUESTS, good.reservationId(), new JsonObject().put("version", 1).encode());
        kafka.publish(Topics.BOOT_REQUESTS, good.reservationId(), null);

        Fleet.request(kafka, good);

        Assignment assignment = Assignment.fromJson(new JsonObject(kafka.await(1, assignmentOf(id)).get(0).value()));
        assertThat(assignment.host()).isEqualTo(hosts.get(0));
    }

    @Test
    @DisplayName("a boot request of an unknown version goes to strato.dead-letters naming its instances (which the "
            + "conductor then ends in ERROR), and the next request is still scheduled")
    void unknownVersionIsDeadLettered() {
        String zone = unique("az");
        List<String> hosts = report(zone, 1, 16, 32_768, 500);
        List<String> ids = ids(2);
        BootRequest good = boot(List.of(ids.get(1)), zone, 1, 512, 1, null);
        BootRequest future = boot(List.of(ids.get(0)), zone, 1, 512, 1, null);
        kafka.publish(Topics.BOOT_REQUESTS, good.reservationId(), future.toJson().put("version", 99).encode(),
                "req-" + ids.get(0));

        Fleet.request(kafka, good);

        Assignment assignment = Assignment.fromJson(new JsonObject(kafka.await(1, assignmentOf(ids.get(1))).get(0)
                .value()));
        assertThat(assignment.host()).isEqualTo(hosts.get(0));
        DeadLetter letter = DeadLetter.fromJson(new JsonObject(kafka.await(1, s -> s.topic().equals(Topics.DEAD_LETTERS)
                && s.value().contains(ids.get(0))).get(0).value()));
        assertThat(letter.topic()).isEqualTo(Topics.BOOT_REQUESTS);
        assertThat(letter.instanceIds()).containsExactly(ids.get(0));
        assertThat(letter.reason()).contains("unsupported boot request version 99");
        assertThat(letter.requestId()).isEqualTo("req-" + ids.get(0));
        assertThat(letter.offset()).isNotNull();
    }

    @Test
    @DisplayName("a boot request naming an instance id that is not a UUID (a NUL byte in it) goes to "
            + "strato.dead-letters with the reason, is placed nowhere, and the next request is still scheduled")
    void nonUuidInstanceIsDeadLettered() {
        String zone = unique("az");
        List<String> hosts = report(zone, 1, 16, 32_768, 500);
        String bad = "vm-\u0000-" + unique("x");
        String id = ids(1).get(0);
        BootRequest good = boot(List.of(id), zone, 1, 512, 1, null);
        kafka.publish(Topics.BOOT_REQUESTS, good.reservationId(),
                boot(List.of(bad), zone, 1, 512, 1, null).toJson().encode());

        Fleet.request(kafka, good);

        Assignment assignment = Assignment.fromJson(new JsonObject(kafka.await(1, assignmentOf(id)).get(0).value()));
        assertThat(assignment.host()).isEqualTo(hosts.get(0));
        DeadLetter letter = DeadLetter.fromJson(new JsonObject(kafka.await(1, s -> s.topic().equals(Topics.DEAD_LETTERS)
                && good.reservationId().equals(s.key())).get(0).value()));
        assertThat(letter.topic()).isEqualTo(Topics.BOOT_REQUESTS);
        assertThat(letter.reason()).contains("not a UUID");
        assertThat(kafka.all(assignmentOf(bad))).isEmpty();
    }

    @Test
    @DisplayName("a malformed host report is skipped, and the reports after it still reach the scheduler")
    void malformedReportsAreSkipped() {
        String name = unique("host");
        kafka.publish(Topics.HOST_STATE, name, "{\"version\": 1, \"host\": \"" + name + "\"}");
        Fleet.report(kafka, host(name, unique("az"), 8, 8_192, 100));

        assertThat(scheduler.awaitHost(name).vcpus().total()).isEqualTo(8);
    }

    /** Publishes {@code count} empty hosts in {@code zone} and waits until the scheduler knows them. */
    @Test
    @DisplayName("the largest boot request the compute API writes is assigned on hosts with long names, and so is its "
            + "reschedule: every assignment made from it fits the topics")
    void largestBootRequestFitsEveryHop() {
        String zone = unique("az");
        // Long host names (per-host topic names stop at 249 characters): alternates and excluded hosts are largest.
        List<String> hosts = IntStream.range(0, 3).mapToObj(i -> unique(zone + "-host") + "-" + "h".repeat(170))
                .toList();
        hosts.forEach(name -> Fleet.report(kafka, host(name, zone, 16, 32_768, 500)));
        hosts.forEach(scheduler::awaitHost);
        String id = ids(1).get(0);
        BootRequest small = boot(List.of(id), zone, 2, 2_048, 20, null);
        int limit = KafkaSettings.maxBootRequestBytes(SharedInfrastructure.settings());
        int padding = limit - small.toJson().encode().getBytes(StandardCharsets.UTF_8).length - "\"pad\":\"\",".length();
        BootRequest request = new BootRequest(small.version(), small.messageId(), small.reservationId(),
                small.instanceIds(), small.projectId(), small.userId(), small.flavor(), small.image(),
                small.availabilityZone(), null, List.of(), List.of(),
                small.build().copy().put("pad", "p".repeat(padding)), small.requestId());
        assertThat(request.toJson().encode().getBytes(StandardCharsets.UTF_8)).hasSize(limit);

        Fleet.request(kafka, request);
        Assignment first = Assignment.fromJson(new JsonObject(kafka.await(1, assignmentOf(id)).get(0).value()));
        assertThat(first.alternates()).hasSize(2);
        Fleet.request(kafka, request.reschedule(id, List.of(first.host())));
        Assignment second = Assignment.fromJson(new JsonObject(kafka.await(1, assignmentOf(id).and(
            s -> new JsonObject(s.value()).getInteger("attempt", 1) == 2)).get(0).value()));
        assertThat(second.host()).isNotEqualTo(first.host());
        assertThat(second.request().build().getString("pad")).hasSize(padding);
    }

    private static List<String> report(String zone, int count, int vcpus, long ramMb, long diskGb) {
        List<String> names = IntStream.range(0, count).mapToObj(i -> unique(zone + "-host")).toList();
        names.forEach(name -> Fleet.report(kafka, host(name, zone, vcpus, ramMb, diskGb)));
        names.forEach(scheduler::awaitHost);
        return names;
    }

    private static boolean isAssignment(KafkaProbe.Seen s) {
        return s.topic().equals(Topics.ASSIGNMENTS);
    }

    private static Predicate<KafkaProbe.Seen> assignmentOf(String instanceId) {
        return s -> isAssignment(s) && instanceId.equals(new JsonObject(s.value()).getString("instance_id"));
    }

    private static Predicate<KafkaProbe.Seen> updateOf(String instanceId) {
        return s -> s.topic().equals(Topics.INSTANCE_UPDATES) && instanceId.equals(s.key());
    }
}
