package io.strato.scheduler.service;

import static io.strato.scheduler.service.Fleet.boot;
import static io.strato.scheduler.service.Fleet.host;
import static io.strato.scheduler.service.Fleet.ids;
import static io.strato.scheduler.service.Fleet.unique;
import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.config.Settings;
import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.Topics;
import io.strato.common.messages.Assignment;
import io.strato.embedded.EmbeddedKafka;
import io.strato.embedded.Ports;
import io.strato.embedded.SharedInfrastructure;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker stopped for longer than both {@code service_down_time} and {@code max.poll.interval.ms} (shortened here to
 * seconds), then started again on the same data, as in the chaos suite's {@code broker-outage}. About 30 s: a broker of
 * its own (stopping the shared one would break the other tests), 12 s of outage.
 */
@ExtendWith(SharedInfrastructure.class)
class BrokerOutageTest {
    private static final long OUTAGE_MS = 12_000;

    @TempDir
    Path dir;

    @Test
    @DisplayName("after a broker outage longer than service_down_time the hosts that reported before it still take "
            + "boots (not 'No valid host'), and the scheduler's consumers keep their group membership (no eviction)")
    void hostsStayUpAndConsumersStayInTheirGroups() throws Exception {
        int port = Ports.free();
        EmbeddedKafka broker = EmbeddedKafka.start(dir.resolve("kafka"), port);
        Settings settings = SharedInfrastructure.settings().with(Map.of(
                "kafka.bootstrap", broker.bootstrap(),
                "scheduler.service.down.time.seconds", "5",
                "scheduler.reports.stale.ms", "3000",
                "kafka.max.poll.interval.ms", "6000",
                "kafka.consumer.api.timeout.ms", "1500",
                "kafka.consumer.lag.refresh.ms", "1000"));
        Vertx vertx = Vertx.vertx();
        KafkaProbe kafka = new KafkaProbe(vertx, settings);
        RunningScheduler scheduler = RunningScheduler.start(vertx, settings, dir);
        try (Admin admin = Admin.create(new HashMap<String, Object>(KafkaSettings.admin(settings)))) {
            scheduler.awaitReady();
            String zone = unique("az");
            String host = unique("host");
            Fleet.report(kafka, host(host, zone, 16, 32_768, 500));
            scheduler.awaitHost(host);
            String before = ids(1).get(0);
            Fleet.request(kafka, boot(List.of(before), zone, 1, 512, 1, null));
            kafka.await(1, assignmentOf(before));
            Map<String, String> members = RunningScheduler.until("the scheduler's consumer groups stable",
                    () -> schedulerMembers(admin));

            broker.close();
            Thread.sleep(OUTAGE_MS); // the fault: no report, no poll answered for longer than both limits
            broker = EmbeddedKafka.start(dir.resolve("kafka"), port);

            String after = ids(1).get(0);
            Fleet.request(kafka, boot(List.of(after), zone, 1, 512, 1, null));
            KafkaProbe.Seen placed = kafka.await(1, s -> assignmentOf(after).test(s) || updateOf(after).test(s))
                    .get(0);
            assertThat(placed.topic()).as("the boot after the outage: %s", placed.value())
                    .isEqualTo(Topics.ASSIGNMENTS);
            assertThat(Assignment.fromJson(new JsonObject(placed.value())).host()).isEqualTo(host);
            assertThat(schedulerMembers(admin)).as("each group's member, before the outage and after")
                    .contains(members);
        } finally {
            scheduler.close();
            kafka.close();
            KafkaProbe.await(vertx.close().toCompletionStage().toCompletableFuture());
            broker.close();
        }
    }

    /** The member of each of the scheduler's consumer groups, once every group has exactly one. */
    private static Optional<Map<String, String>> schedulerMembers(Admin admin) throws Exception {
        List<String> groups = admin.listConsumerGroups().all().get(10, TimeUnit.SECONDS).stream()
                .map(ConsumerGroupListing::groupId).filter(g -> g.startsWith("strato-scheduler")).toList();
        Map<String, String> members = new TreeMap<>();
        for (ConsumerGroupDescription d : admin.describeConsumerGroups(groups).all().get(10, TimeUnit.SECONDS)
                .values()) {
            if (d.members().size() != 1) {
                return Optional.empty();
            }
            members.put(d.groupId(), d.members().stream().map(MemberDescription::consumerId).findFirst().orElseThrow());
        }
        return members.size() == 2 ? Optional.of(members) : Optional.empty();
    }

    private static java.util.function.Predicate<KafkaProbe.Seen> assignmentOf(String instanceId) {
        return s -> s.topic().equals(Topics.ASSIGNMENTS)
                && instanceId.equals(new JsonObject(s.value()).getString("instance_id"));
    }

    private static java.util.function.Predicate<KafkaProbe.Seen> updateOf(String instanceId) {
        return s -> s.topic().equals(Topics.INSTANCE_UPDATES) && instanceId.equals(s.key());
    }
}
