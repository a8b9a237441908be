package io.strato.conductor;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.config.Settings;
import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.Topics;
import io.strato.common.lifecycle.TaskState;
import io.strato.common.lifecycle.VmState;
import io.strato.common.messages.InstanceUpdate;
import io.strato.common.messages.InstanceUpdate.Origin;
import io.strato.common.messages.ServerAction;
import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A host that goes on building an instance the conductor no longer builds (ended in ERROR by the build timeout before
 * the host's first update was recorded, as in a broker outage; or deleted before any host took it) is told to remove
 * what it made: its updates are refused, and an {@code abort-build} order goes to that host, so no domain of the
 * build outlives it.
 */
@ExtendWith(SharedInfrastructure.class)
class LateBuildTest {
  private static TestIdentity identity;
  private static Settings settings;
  private static int computePort;
  private static String imageId;
  private static KafkaProducer<String, String> producer;
  private static ComputeSide side;

  @BeforeAll
  static void start() throws Exception {
    ComputeSide side = ComputeSide.get();
    identity = side.identity;
    computePort = side.computePort;
    settings = side.settings;
    imageId = side.imageId;
    producer = side.producer("late-build-test");
    LateBuildTest.side = side;
  }

  private record Server(String id, String requestId, TestIdentity.Member owner) {}

  private static Server boot(String name) {
    var member = identity.newProject("late");
    var resp = identity.call(HttpMethod.POST, computePort, "/v2.1/servers", member.token(), new JsonObject()
        .put("server", new JsonObject().put("name", name).put("imageRef", imageId).put("flavorRef", "1")), Map.of());
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(202);
    return new Server(resp.bodyAsJsonObject().getJsonObject("server").getString("id"),
        resp.getHeader("x-openstack-request-id"), member);
  }

  /** A host of its own, so the test reads only the orders keyed to it. */
  private static String newHost() {
    return "late-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** What the host's build says: its first step, then that it is ACTIVE. */
  private static void buildOn(String host, Server s) {
    Origin origin = new Origin(host, 1, s.requestId());
    for (InstanceUpdate u : List.of(InstanceUpdate.step(origin, s.id(), TaskState.SCHEDULING,
        TaskState.BLOCK_DEVICE_MAPPING, null), InstanceUpdate.active(origin, s.id(), new JsonObject()))) {
      TestIdentity.await(producer.send(KafkaProducerRecord.create(Topics.INSTANCE_UPDATES, u.instanceId(),
          u.toJson().encode())));
    }
  }

  /** The orders sent to {@code host} about {@code instanceId}, waiting up to 20 s for the first. */
  private static List<ServerAction> ordersTo(String host, String instanceId) {
    // Every host's orders share strato.assignments: keep those addressed to this host.
    return read(Topics.ASSIGNMENTS, instanceId).stream().filter(j -> host.equals(j.getString("host")))
        .map(ServerAction::fromJson).toList();
  }

  /** The records of {@code topic} naming {@code instanceId}, waiting up to 20 s for the first. */
  private static List<JsonObject> read(String topic, String instanceId) {
    Map<String, Object> props = new HashMap<>(KafkaSettings.consumer(settings, "late-build-" + UUID.randomUUID()));
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.currentTimeMillis() + 20_000;
      List<JsonObject> found = new java.util.ArrayList<>();
      while (found.isEmpty() && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          JsonObject j;
          try {
            j = new JsonObject(r.value());
          } catch (RuntimeException e) {
            continue; // another test's poison record
          }
          if (instanceId.equals(j.getValue("instance_id"))) found.add(j);
        }
      }
      return found;
    }
  }

  @Test
  @DisplayName("a build timed out before its host's first update was recorded: when the host goes on and finishes"
      + " it, the instance stays ERROR and the host is told to remove the build")
  void timedOutBuildFinishedLater() {
    Server s = boot("late");
    String host = newHost();
    side.timeOutBuild(s.id());

    buildOn(host, s);

    List<ServerAction> orders = ordersTo(host, s.id());
    assertThat(orders).as("orders to " + host).isNotEmpty();
    assertThat(orders).allSatisfy(o -> {
      assertThat(o.action()).isEqualTo(ServerAction.ABORT_BUILD);
      assertThat(o.projectId()).isEqualTo(s.owner().projectId());
    });
    JsonObject server = identity.call(HttpMethod.GET, computePort, "/v2.1/servers/" + s.id(), s.owner().token(), null,
        Map.of()).bodyAsJsonObject().getJsonObject("server");
    assertThat(server.getString("status")).isEqualTo("ERROR");
  }

  @Test
  @DisplayName("a server deleted before any host took it: the host that builds it anyway is told to remove the"
      + " build")
  void deletedBeforePlacementBuiltAnyway() {
    Server s = boot("doomed");
    String host = newHost();
    assertThat(identity.call(HttpMethod.DELETE, computePort, "/v2.1/servers/" + s.id(), s.owner().token(), null,
        Map.of()).statusCode()).isEqualTo(204);

    buildOn(host, s);

    List<ServerAction> orders = ordersTo(host, s.id());
    assertThat(orders).as("orders to " + host).isNotEmpty();
    assertThat(orders).allSatisfy(o -> assertThat(o.action()).isEqualTo(ServerAction.ABORT_BUILD));
    assertThat(identity.call(HttpMethod.GET, computePort, "/v2.1/servers/" + s.id(), s.owner().token(), null,
        Map.of()).statusCode()).as("the deleted server stays deleted").isEqualTo(404);
  }

  @Test
  @DisplayName("a build the conductor times out on its host ends as every build ended in ERROR by the conductor: the"
      + " scheduler's claim is given back and the host is told to remove the build")
  void timedOutOnItsHost() {
    Server s = boot("quiet");
    String host = newHost();
    TestIdentity.await(producer.send(KafkaProducerRecord.create(Topics.INSTANCE_UPDATES, s.id(), InstanceUpdate.step(
        new Origin(host, 1, s.requestId()), s.id(), TaskState.SCHEDULING, TaskState.BLOCK_DEVICE_MAPPING, null)
        .toJson().encode())));
    long deadline = System.currentTimeMillis() + 20_000;
    while (!host.equals(identity.call(HttpMethod.GET, computePort, "/v2.1/servers/" + s.id(), identity.adminToken(),
        null, Map.of()).bodyAsJsonObject().getJsonObject("server").getString("OS-EXT-SRV-ATTR:host"))) {
      assertThat(System.currentTimeMillis()).as("the host's first step was never recorded").isLessThan(deadline);
      Thread.onSpinWait();
    }
    side.timeOutBuild(s.id());

    assertThat(ordersTo(host, s.id())).extracting(ServerAction::action).contains(ServerAction.ABORT_BUILD);
    List<InstanceUpdate> claimBack = read(Topics.INSTANCE_UPDATES, s.id()).stream().map(InstanceUpdate::fromJson)
        .filter(u -> u.vmState() == VmState.ERROR).toList();
    assertThat(claimBack).as("the error update the scheduler's claim releaser reads").isNotEmpty();
    assertThat(claimBack.get(0).fault().getString("message")).contains("timed out");
  }
}
