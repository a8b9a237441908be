package io.strato.scheduler.service;

import static io.strato.scheduler.service.Fleet.boot;
import static io.strato.scheduler.service.Fleet.host;
import static io.strato.scheduler.service.Fleet.ids;
import static io.strato.scheduler.service.Fleet.unique;
import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.kafka.Topics;
import io.strato.common.messages.Assignment;
import io.strato.common.messages.BootRequest;
import io.strato.common.messages.Cancellation;
import io.strato.embedded.SharedInfrastructure;
import io.strato.scheduler.host.HostState;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An instance deleted before the scheduler read its boot request (the scheduler was down or behind) is never placed:
 * the compute API's cancellation on {@code strato.cancellations} reaches the scheduler before the request does.
 */
@ExtendWith(SharedInfrastructure.class)
class CancelledBootTest {

  @TempDir
  static Path dir;
  static Vertx vertx;
  static KafkaProbe kafka;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    kafka = new KafkaProbe(vertx, SharedInfrastructure.settings());
  }

  @AfterAll
  static void stop() {
    kafka.close();
    KafkaProbe.await(vertx.close().toCompletionStage().toCompletableFuture());
  }

  @Test
  @DisplayName("a boot request whose instance was deleted while the scheduler was down claims nothing and is "
      + "assigned nowhere; the request behind it is placed")
  void cancelledRequestIsDropped() {
    String zone = unique("az");
    String hostName = unique(zone + "-host");
    Fleet.report(kafka, host(hostName, zone, 16, 32_768, 500));
    List<String> two = ids(2);
    String deleted = two.get(0);
    String kept = two.get(1);
    BootRequest cancelledBoot = boot(List.of(deleted), zone, 4, 4_096, 40, null);
    BootRequest keptBoot = boot(List.of(kept), zone, 1, 512, 1, null);
    // One key for both requests: one partition, so the kept request is decided after the cancelled one.
    kafka.publish(Topics.BOOT_REQUESTS, cancelledBoot.reservationId(), cancelledBoot.toJson().encode());
    kafka.publish(Topics.CANCELLATIONS, deleted, Cancellation.of(deleted).toJson().encode());
    kafka.publish(Topics.BOOT_REQUESTS, cancelledBoot.reservationId(), keptBoot.toJson().encode());

    try (RunningScheduler scheduler = RunningScheduler.start(vertx, SharedInfrastructure.settings()
        .with(java.util.Map.of("scheduler.consumer.group", unique("cancel-test"))), dir)) {
      Assignment placed = Assignment.fromJson(new JsonObject(kafka.await(1, assignmentOf(kept)).get(0).value()));

      assertThat(placed.host()).isEqualTo(hostName);
      assertThat(kafka.all(assignmentOf(deleted))).isEmpty();
      assertThat(kafka.all(s -> s.topic().equals(Topics.INSTANCE_UPDATES) && deleted.equals(s.key()))).isEmpty();
      HostState host = scheduler.awaitHost(hostName, h -> h.hasClaimFor(kept));
      assertThat(host.hasClaimFor(deleted)).isFalse();
      assertThat(host.vcpus().used()).isEqualTo(1);
      assertThat(host.ramMb().used()).isEqualTo(512);
    }
  }

  private static Predicate<KafkaProbe.Seen> assignmentOf(String instanceId) {
    return s -> s.topic().equals(Topics.ASSIGNMENTS)
        && instanceId.equals(new JsonObject(s.value()).getString("instance_id"));
  }
}
