package io.strato.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.config.Settings;
import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.Topics;
import io.strato.common.messages.Assignment;
import io.strato.common.messages.BootRequest;
import io.strato.common.messages.InstanceUpdate;
import io.strato.common.lifecycle.VmState;
import io.strato.conductor.ConductorConfig;
import io.strato.conductor.ConductorService;
import io.strato.embedded.SharedInfrastructure;
import io.strato.gateway.GatewayConfig;
import io.strato.gateway.GatewayService;
import io.strato.image.ImageConfig;
import io.strato.image.ImageService;
import io.strato.testkit.TestIdentity;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;

/**
 * The compute side of a boot, on real libvirt ({@code test:///default}): the agent takes an assignment (as the
 * scheduler would publish it), builds the instance and the conductor records each step, seen through the compute
 * API; then the API's actions reach the domain.
 */
@ExtendWith(SharedInfrastructure.class)
class BootOnLibvirtTest {
  private static AgentTestCloud cloud;
  private static TestIdentity identity;
  private static String host;
  private static String imageId;
  private static Path stateDir;
  private static final ConcurrentLinkedQueue<BootRequest> reschedules = new ConcurrentLinkedQueue<>();
  /** Every instance update on the topic, in order per instance (the topic is keyed by instance id). */
  private static final Map<String, List<InstanceUpdate>> updates = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    cloud = AgentTestCloud.get();
    identity = cloud.identity;
    host = "agent-test-" + UUID.randomUUID().toString().substring(0, 6);
    stateDir = Files.createTempDirectory("agent-state");
    cloud.startAgent(host, stateDir, Map.of("agent.memory.mb", "4096", "agent.vcpus", "4"));
    imageId = cloud.image("img", "raw", new byte[64 * 1024], new JsonObject());
    KafkaConsumer<String, String> consumer =
        KafkaConsumer.create(identity.vertx, KafkaSettings.consumer(cloud.settings, "agent-test-" + UUID.randomUUID()));
    consumer.handler(r -> {
      BootRequest b = BootRequest.fromJson(new JsonObject(r.value()));
      if (b.attempt() > 1) reschedules.add(b);
    });
    TestIdentity.await(consumer.subscribe(Topics.BOOT_REQUESTS));
    KafkaConsumer<String, String> updateReader =
        KafkaConsumer.create(identity.vertx, KafkaSettings.consumer(cloud.settings, "agent-test-" + UUID.randomUUID()));
    updateReader.handler(r -> updates.computeIfAbsent(r.key(), k -> new CopyOnWriteArrayList<>())
        .add(InstanceUpdate.fromJson(new JsonObject(r.value()))));
    TestIdentity.await(updateReader.subscribe(Topics.INSTANCE_UPDATES));
  }

  /** The updates the conductor got for the instance's build, up to the one that made it ACTIVE. */
  private static List<InstanceUpdate> buildUpdates(String id) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      List<InstanceUpdate> seen = List.copyOf(updates.getOrDefault(id, List.of()));
      for (int i = 0; i < seen.size(); i++) {
        if (seen.get(i).vmState() == VmState.ACTIVE) return seen.subList(0, i + 1);
      }
      assertThat(System.currentTimeMillis()).as("the update to ACTIVE never came: " + seen).isLessThan(deadline);
      Thread.sleep(100); // back-off between looks
    }
  }

  private static AgentTestCloud.Server bootOnAgent(String name, String flavor, String image, int attempt) {
    return cloud.boot(host, name, flavor, imageId, image, Map.of("disk_format", "raw"), attempt);
  }

  private static JsonObject await(AgentTestCloud.Server s, Predicate<JsonObject> condition) {
    return cloud.await(s, condition, 30_000);
  }

  private static boolean domainExists(String uuid) {
    try {
      Connect c = new Connect("test:///default");
      try {
        c.domainLookupByUUIDString(uuid);
        return true;
      } catch (LibvirtException e) {
        return false;
      } finally {
        c.close();
      }
    } catch (LibvirtException e) {
      throw new AssertionError(e);
    }
  }

  private static void action(AgentTestCloud.Server s, JsonObject body) {
    assertThat(identity.call(HttpMethod.POST, cloud.computePort, "/v2.1/servers/" + s.id() + "/action",
        s.owner().token(), body, Map.of()).statusCode()).isEqualTo(202);
  }

  @Test
  @DisplayName("an assignment becomes a running libvirt domain and an ACTIVE server; reboot, stop, start and delete"
      + " reach the domain")
  void bootAndLifecycle() throws Exception {
    AgentTestCloud.Server s = bootOnAgent("vm1", "1", imageId, 1);
    JsonObject server = await(s, j -> "ACTIVE".equals(j.getString("status")));
    assertThat(server.getString("OS-EXT-SRV-ATTR:host")).isEqualTo(host);
    assertThat(server.getInteger("OS-EXT-STS:power_state")).isEqualTo(1);
    assertThat(domainExists(s.id())).isTrue();
    assertThat(stateDir.resolve("instances").resolve(s.id()).resolve("disk")).exists();
    JsonObject action = identity.call(HttpMethod.GET, cloud.computePort, "/v2.1/servers/" + s.id()
        + "/os-instance-actions/" + s.request().requestId(), identity.adminToken(), null, Map.of()).bodyAsJsonObject()
        .getJsonObject("instanceAction");
    assertThat(action.getJsonArray("events").stream().map(e -> ((JsonObject) e).getString("event")))
        .containsExactly("schedule", "block_device_mapping", "networking", "spawning");
    assertThat(action.getJsonArray("events")).allSatisfy(o -> {
      JsonObject e = (JsonObject) o;
      assertThat(e.getString("result")).as(e.encode()).isEqualTo("Success");
      assertThat(e.getString("finish_time")).as(e.encode()).isGreaterThanOrEqualTo(e.getString("start_time"));
    });
    assertThat(buildUpdates(s.id())).as("instance updates of one build").hasSize(2);

    action(s, new JsonObject().put("reboot", new JsonObject().put("type", "HARD")));
    await(s, j -> "ACTIVE".equals(j.getString("status")) && j.getString("OS-EXT-STS:task_state") == null);
    action(s, new JsonObject().putNull("os-stop"));
    assertThat(await(s, j -> "SHUTOFF".equals(j.getString("status"))).getInteger("OS-EXT-STS:power_state"))
        .isEqualTo(4);
    action(s, new JsonObject().putNull("os-start"));
    await(s, j -> "ACTIVE".equals(j.getString("status")) && j.getInteger("OS-EXT-STS:power_state") == 1);

    assertThat(identity.call(HttpMethod.DELETE, cloud.computePort, "/v2.1/servers/" + s.id(), s.owner().token(), null,
        Map.of()).statusCode()).isEqualTo(204);
    await(s, j -> j == null);
    assertThat(domainExists(s.id())).as("the domain is gone").isFalse();
    assertThat(stateDir.resolve("instances").resolve(s.id())).doesNotExist();
  }

  @Test
  @DisplayName("the agent's host shows in os-hypervisors and in its availability zone, with its capacity")
  void hostIsListed() {
    String admin = identity.adminToken();
    long deadline = System.currentTimeMillis() + 20_000;
    JsonObject mine = null;
    while (mine == null) {
      var list = identity.call(HttpMethod.GET, cloud.computePort, "/v2.1/os-hypervisors/detail", admin, null,
          Map.of()).bodyAsJsonObject().getJsonArray("hypervisors");
      mine = list.stream().map(o -> (JsonObject) o).filter(h -> host.equals(h.getString("hypervisor_hostname")))
          .findFirst().orElse(null);
      assertThat(System.currentTimeMillis()).as("host never listed").isLessThan(deadline);
    }
    assertThat(mine.getString("state")).isEqualTo("up");
    assertThat(mine.getLong("vcpus")).isEqualTo(4);
    assertThat(mine.getLong("memory_mb")).isEqualTo(4096);
    var one = identity.call(HttpMethod.GET, cloud.computePort, "/v2.1/os-hypervisors/" + mine.getLong("id"), admin,
        null, Map.of());
    assertThat(one.bodyAsJsonObject().getJsonObject("hypervisor").getString("hypervisor_hostname")).isEqualTo(host);
    JsonObject zones = identity.call(HttpMethod.GET, cloud.computePort, "/v2.1/os-availability-zone/detail", admin,
        null, Map.of()).bodyAsJsonObject();
    assertThat(zones.getJsonArray("availabilityZoneInfo").getJsonObject(0).getJsonObject("hosts").containsKey(host))
        .isTrue();
    assertThat(identity.call(HttpMethod.GET, cloud.computePort, "/v2.1/os-hypervisors", identity.newProject("nohv")
        .token(), null, Map.of()).statusCode()).isEqualTo(403);
    assertThat(identity.call(HttpMethod.GET, cloud.computePort, "/v2.1/os-hypervisors/x", admin, null, Map.of())
        .statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("an assignment that does not fit this host is sent back to the scheduler with the host excluded")
  void refusedClaimIsRescheduled() {
    AgentTestCloud.Server s = bootOnAgent("huge", "5", imageId, 1); // m1.xlarge: 8 vCPUs, 16 GiB on a 4-vCPU, 4 GiB host
    long deadline = System.currentTimeMillis() + 20_000;
    while (reschedules.stream().noneMatch(b -> b.instanceIds().contains(s.id()))) {
      assertThat(System.currentTimeMillis()).isLessThan(deadline);
      Thread.onSpinWait();
    }
    BootRequest again = reschedules.stream().filter(b -> b.instanceIds().contains(s.id())).findFirst().orElseThrow();
    assertThat(again.attempt()).isEqualTo(2);
    assertThat(again.excludedHosts()).containsExactly(host);
    assertThat(domainExists(s.id())).isFalse();
  }

  @Test
  @DisplayName("the last attempt that does not fit ends in ERROR: no more retries")
  void lastAttemptFails() {
    AgentTestCloud.Server s = bootOnAgent("huge-last", "5", imageId, 3);
    JsonObject server = await(s, j -> "ERROR".equals(j.getString("status")));
    assertThat(server.getJsonObject("fault").getString("message")).contains("Exceeded maximum number of retries");
  }

  @Test
  @DisplayName("a build whose image cannot be fetched ends in ERROR saying so, leaving no domain or disk behind")
  void imageFailureCleansUp() {
    String queued = identity.call(HttpMethod.POST, cloud.imagePort, "/v2/images", identity.adminToken(), new JsonObject()
        .put("name", "never-uploaded").put("visibility", "public"), Map.of()).bodyAsJsonObject().getString("id");
    AgentTestCloud.Server broken = bootOnAgent("broken", "1", queued, 1);
    JsonObject server = await(broken, j -> "ERROR".equals(j.getString("status")));
    assertThat(server.getJsonObject("fault").getString("message")).contains("while spawning");
    assertThat(domainExists(broken.id())).isFalse();
    assertThat(stateDir.resolve("instances").resolve(broken.id())).doesNotExist();
    var limits = identity.call(HttpMethod.GET, cloud.computePort, "/v2.1/limits", broken.owner().token(), null, Map.of())
        .bodyAsJsonObject().getJsonObject("limits").getJsonObject("absolute");
    assertThat(limits.getInteger("totalInstancesUsed")).as("an ERROR server keeps its quota until deleted")
        .isEqualTo(1);
  }
}
