package io.strato.scheduler.service;

import static io.strato.scheduler.service.Fleet.boot;
import static io.strato.scheduler.service.Fleet.host;
import static io.strato.scheduler.service.Fleet.ids;
import static io.strato.scheduler.service.Fleet.unique;
import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.kafka.Topics;
import io.strato.common.messages.Assignment;
import io.strato.common.messages.BootRequest;
import io.strato.embedded.SharedInfrastructure;
import io.strato.scheduler.host.HostState;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** What survives a scheduler restart: its hosts, its claims, and the placements a redelivered request gets back. */
@ExtendWith(SharedInfrastructure.class)
class SchedulerRestartTest {

    @TempDir
    Path dir;
    Vertx vertx;
    KafkaProbe kafka;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        kafka = new KafkaProbe(vertx, SharedInfrastructure.settings());
    }

    @AfterEach
    void stop() {
        kafka.close();
        KafkaProbe.await(vertx.close().toCompletionStage().toCompletableFuture());
    }

    @Test
    @DisplayName("a scheduler restarted on the same files becomes ready, still knows its hosts and claims, and "
            + "answers a redelivered request with the same host")
    void restartOnTheSameFiles() {
        String zone = unique("az");
        List<String> hosts = List.of(unique("host"), unique("host"));
        String id = ids(1).get(0);
        BootRequest request = boot(List.of(id), zone, 2, 2_048, 20, null);
        Assignment first;
        try (RunningScheduler before = RunningScheduler.start(vertx, SharedInfrastructure.settings(), dir)) {
            before.awaitReady();
            hosts.forEach(h -> Fleet.report(kafka, host(h, zone, 16, 32_768, 500)));
            hosts.forEach(before::awaitHost);
            Fleet.request(kafka, request);
            first = assignmentOf(id, 1).get(0);
        }

        try (RunningScheduler after = RunningScheduler.start(vertx, SharedInfrastructure.settings(), dir)) {
            assertThat(after.awaitReady()).contains("ready");
            hosts.forEach(h -> assertThat(after.service.hostState(h)).isPresent());
            HostState claimed = after.service.hostState(first.host()).orElseThrow();
            assertThat(claimed.hasClaimFor(id)).isTrue();
            assertThat(claimed.vcpus().used()).isEqualTo(2);

            Fleet.request(kafka, request);

            Assignment again = assignmentOf(id, 2).get(1);
            assertThat(again.host()).isEqualTo(first.host());
            assertThat(after.service.hostState(first.host()).orElseThrow().vcpus().used()).isEqualTo(2);
        }
    }

    @Test
    @DisplayName("a scheduler whose files were lost rebuilds its hosts from strato.host-state before it says ready")
    void rebuildFromTheTopic() {
        String zone = unique("az");
        String name = unique("host");
        Fleet.report(kafka, host(name, zone, 12, 24_576, 300));

        try (RunningScheduler fresh = RunningScheduler.start(vertx, SharedInfrastructure.settings(), dir)) {
            fresh.awaitReady();

            HostState rebuilt = fresh.service.hostState(name).orElseThrow();
            assertThat(rebuilt.traits().availabilityZone()).isEqualTo(zone);
            assertThat(rebuilt.vcpus().total()).isEqualTo(12);
        }
    }

    private List<Assignment> assignmentOf(String id, int count) {
        return kafka.await(count, s -> s.topic().equals(Topics.ASSIGNMENTS)
                && id.equals(new JsonObject(s.value()).getString("instance_id"))).stream()
                .map(s -> Assignment.fromJson(new JsonObject(s.value()))).toList();
    }
}
