package io.strato.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.Topics;
import io.strato.common.lifecycle.TaskState;
import io.strato.common.messages.InstanceUpdate;
import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libvirt.Connect;

/**
 * Server rebuilds on libvirt's test driver, through the compute API: the root disk is replaced by an overlay of the
 * new image on the same host, with the same ports and addresses, in Nova's task states; Nova's refusals; a rebuild
 * that fails ends in ERROR with a fault.
 */
@ExtendWith(SharedInfrastructure.class)
class ServerRebuildTest {
  private static AgentTestCloud cloud;
  private static TestIdentity identity;
  private static String host;
  private static Path stateDir;
  private static String firstImage;
  private static String secondImage;
  private static byte[] secondData;
  private static final Map<String, List<InstanceUpdate>> updates = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    cloud = AgentTestCloud.get();
    identity = cloud.identity;
    host = "rebuild-" + UUID.randomUUID().toString().substring(0, 6);
    stateDir = Files.createTempDirectory("agent-state");
    cloud.startAgent(host, stateDir, Map.of("agent.memory.mb", "8192", "agent.vcpus", "8"));
    firstImage = cloud.image("rebuild-first", "raw", new byte[64 * 1024], new JsonObject());
    secondData = new byte[128 * 1024];
    new Random(17).nextBytes(secondData);
    secondImage = cloud.image("rebuild-second", "raw", secondData, new JsonObject());
    KafkaConsumer<String, String> reader = KafkaConsumer.create(identity.vertx,
        KafkaSettings.consumer(cloud.settings, "rebuild-test-" + UUID.randomUUID()));
    reader.handler(r -> updates.computeIfAbsent(r.key(), k -> new CopyOnWriteArrayList<>())
        .add(InstanceUpdate.fromJson(new JsonObject(r.value()))));
    TestIdentity.await(reader.subscribe(Topics.INSTANCE_UPDATES));
  }

  private static AgentTestCloud.Server activeServer(String name, TestIdentity.Member member, JsonObject build) {
    AgentTestCloud.Server s = cloud.boot(host, name, "1", firstImage, firstImage, Map.of("disk_format", "raw"), 1,
        build, member);
    cloud.await(s, j -> "ACTIVE".equals(j.getString("status")), 30_000);
    return s;
  }

  private static HttpResponse<Buffer> rebuild(String serverId, String token, Object args) {
    return identity.call(HttpMethod.POST, cloud.computePort, "/v2.1/servers/" + serverId + "/action", token,
        new JsonObject().put("rebuild", args), Map.of());
  }

  /** The task states the agent reported for the rebuild, in order, up to the one with no task. */
  private static List<String> rebuildTaskStates(String id) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      List<InstanceUpdate> seen = List.copyOf(updates.getOrDefault(id, List.of()));
      List<InstanceUpdate> rebuild = seen.stream().filter(u -> u.expectedTaskState() != null
          && u.expectedTaskState().isRebuildStep()).toList();
      if (!rebuild.isEmpty() && rebuild.get(rebuild.size() - 1).taskState() == null) {
        return rebuild.stream().map(u -> String.valueOf(TaskState.wireOf(u.taskState()))).toList();
      }
      assertThat(System.currentTimeMillis()).as("the rebuild never ended: " + seen).isLessThan(deadline);
      Thread.sleep(100); // back-off between looks
    }
  }

  /** The backing file {@code qemu-img info} finds in the server's root overlay. */
  private static String backingOf(String serverId) throws Exception {
    Process p = new ProcessBuilder("qemu-img", "info", "-U", "--output=json",
        stateDir.resolve("instances").resolve(serverId).resolve("disk").toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
    return new JsonObject(out).getString("backing-filename");
  }

  private static JsonObject rebuildAction(AgentTestCloud.Server s, String requestId) {
    return identity.call(HttpMethod.GET, cloud.computePort, "/v2.1/servers/" + s.id() + "/os-instance-actions/"
        + requestId, identity.adminToken(), null, Map.of()).bodyAsJsonObject().getJsonObject("instanceAction");
  }

  @Test
  @DisplayName("rebuild replaces the root disk with one of the new image on the same host, keeps the ports and"
      + " addresses, sets the new name and metadata, walks rebuilding, rebuild_block_device_mapping,"
      + " rebuild_spawning and ends ACTIVE with a rebuild action")
  void rebuildOnTheSameHost() throws Exception {
    TestIdentity.Member member = identity.newProject("rebuild");
    String net = cloud.privateNetwork(member, "10.77.0.0/24");
    AgentTestCloud.Server s = activeServer("to-rebuild", member, new JsonObject().put("networks",
        new JsonArray().add(new JsonObject().put("uuid", net))));
    JsonObject before = cloud.show(s);
    assertThat(before.getJsonObject("addresses").encode()).contains("10.77.0.");
    assertThat(backingOf(s.id())).endsWith(md5(new byte[64 * 1024]));

    var resp = rebuild(s.id(), member.token(), new JsonObject().put("imageRef", secondImage).put("name", "rebuilt")
        .put("metadata", new JsonObject().put("role", "web")).put("preserve_ephemeral", false));
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(202);
    JsonObject answered = resp.bodyAsJsonObject().getJsonObject("server");
    assertThat(answered.getString("adminPass")).isNotBlank();
    assertThat(answered.getString("name")).isEqualTo("rebuilt");
    assertThat(answered.getString("status")).isEqualTo("REBUILD");
    assertThat(answered.getJsonObject("image").getString("id")).isEqualTo(secondImage);

    assertThat(rebuildTaskStates(s.id())).containsExactly("rebuild_block_device_mapping", "rebuild_spawning", "null");
    JsonObject after = cloud.await(s, j -> j.getValue("OS-EXT-STS:task_state") == null, 30_000);
    assertThat(after.getString("status")).isEqualTo("ACTIVE");
    assertThat(after.getInteger("OS-EXT-STS:power_state")).isEqualTo(1);
    assertThat(after.getString("OS-EXT-SRV-ATTR:host")).isEqualTo(host);
    assertThat(after.getJsonObject("addresses")).isEqualTo(before.getJsonObject("addresses"));
    assertThat(after.getJsonObject("metadata")).isEqualTo(new JsonObject().put("role", "web"));
    assertThat(after.getJsonObject("image").getString("id")).isEqualTo(secondImage);
    assertThat(backingOf(s.id())).as("the root overlay is one of the new image").endsWith(md5(secondData));
    JsonObject action = rebuildAction(s, resp.getHeader("x-openstack-request-id"));
    assertThat(action.getString("action")).isEqualTo("rebuild");
    JsonObject event = action.getJsonArray("events").getJsonObject(0);
    assertThat(event.getString("event")).isEqualTo("compute_rebuild_instance");
    assertThat(event.getString("result")).isEqualTo("Success");
  }

  @Test
  @DisplayName("a stopped server is rebuilt and stays SHUTOFF")
  void stoppedServerStaysStopped() throws Exception {
    TestIdentity.Member member = identity.newProject("rebuild");
    AgentTestCloud.Server s = activeServer("stopped", member, new JsonObject().put("networks",
        new JsonArray().add("none")));
    assertThat(identity.call(HttpMethod.POST, cloud.computePort, "/v2.1/servers/" + s.id() + "/action",
        member.token(), new JsonObject().putNull("os-stop"), Map.of()).statusCode()).isEqualTo(202);
    cloud.await(s, j -> "SHUTOFF".equals(j.getString("status")) && j.getValue("OS-EXT-STS:task_state") == null,
        30_000);
    assertThat(rebuild(s.id(), member.token(), new JsonObject().put("imageRef", secondImage)).statusCode())
        .isEqualTo(202);
    rebuildTaskStates(s.id());
    JsonObject after = cloud.await(s, j -> j.getValue("OS-EXT-STS:task_state") == null, 30_000);
    assertThat(after.getString("status")).isEqualTo("SHUTOFF");
    assertThat(backingOf(s.id())).endsWith(md5(secondData));
  }

  @Test
  @DisplayName("a rebuild whose guest is gone from the hypervisor ends in ERROR with a fault naming the rebuild")
  void failedRebuildEndsInError() throws Exception {
    TestIdentity.Member member = identity.newProject("rebuild");
    AgentTestCloud.Server s = activeServer("lost-domain", member, new JsonObject().put("networks",
        new JsonArray().add("none")));
    Connect c = new Connect("test:///default");
    try {
      var domain = c.domainLookupByUUIDString(s.id());
      domain.destroy();
      domain.undefine();
    } finally {
      c.close();
    }
    assertThat(rebuild(s.id(), member.token(), new JsonObject().put("imageRef", secondImage)).statusCode())
        .isEqualTo(202);
    JsonObject after = cloud.await(s, j -> "ERROR".equals(j.getString("status")), 30_000);
    assertThat(after.getJsonObject("fault").getString("message")).contains("Rebuild of instance " + s.id());
  }

  @Test
  @DisplayName("rebuild refuses bad input with Nova's faults: no imageRef, an unknown field, an unknown image or"
      + " another project's private image 400, a reader 403, another project's or an unknown server 404, a server"
      + " still building 409, a volume-backed server 400")
  void refusals() {
    TestIdentity.Member member = identity.newProject("rebuild");
    AgentTestCloud.Server s = activeServer("refusals", member, new JsonObject().put("networks",
        new JsonArray().add("none")));
    assertThat(rebuild(s.id(), member.token(), new JsonObject()).statusCode()).isEqualTo(400);
    assertThat(rebuild(s.id(), member.token(), new JsonObject().put("imageRef", secondImage).put("flavorRef", "1"))
        .statusCode()).isEqualTo(400);
    assertThat(rebuild(s.id(), member.token(), new JsonObject().put("imageRef", secondImage)
        .put("accessIPv4", "300.1.2.3")).statusCode()).isEqualTo(400);
    var unknown = rebuild(s.id(), member.token(), new JsonObject().put("imageRef", UUID.randomUUID().toString()));
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.bodyAsJsonObject().getJsonObject("badRequest").getString("message")).contains("could not be found");

    TestIdentity.Member other = identity.newProject("rebuild-other");
    String privateImage = identity.call(HttpMethod.POST, cloud.imagePort, "/v2/images", other.token(),
        new JsonObject().put("name", "theirs").put("disk_format", "raw").put("container_format", "bare"), Map.of())
        .bodyAsJsonObject().getString("id");
    identity.call(HttpMethod.PUT, cloud.imagePort, "/v2/images/" + privateImage + "/file", other.token(),
        Buffer.buffer(new byte[4096]), Map.of("Content-Type", "application/octet-stream"));
    var foreign = rebuild(s.id(), member.token(), new JsonObject().put("imageRef", privateImage));
    assertThat(foreign.statusCode()).isEqualTo(400);
    assertThat(foreign.bodyAsJsonObject().getJsonObject("badRequest").getString("message"))
        .isEqualTo("Image " + privateImage + " could not be found.");

    var reader = rebuild(s.id(), identity.reader(member.projectId()), new JsonObject().put("imageRef", secondImage));
    assertThat(reader.statusCode()).isEqualTo(403);
    assertThat(reader.bodyAsJsonObject().getJsonObject("forbidden").getString("message"))
        .isEqualTo("Policy doesn't allow os_compute_api:servers:rebuild to be performed.");
    assertThat(rebuild(s.id(), other.token(), new JsonObject().put("imageRef", secondImage)).statusCode())
        .isEqualTo(404);
    assertThat(rebuild(UUID.randomUUID().toString(), member.token(), new JsonObject().put("imageRef", secondImage))
        .statusCode()).isEqualTo(404);

    var building = identity.call(HttpMethod.POST, cloud.computePort, "/v2.1/servers", member.token(), new JsonObject()
        .put("server", new JsonObject().put("name", "never-placed").put("flavorRef", "1").put("imageRef", firstImage)
            .put("networks", "none")), Map.of("OpenStack-API-Version", "compute 2.37"));
    String buildingId = building.bodyAsJsonObject().getJsonObject("server").getString("id");
    var conflict = rebuild(buildingId, member.token(), new JsonObject().put("imageRef", secondImage));
    assertThat(conflict.statusCode()).isEqualTo(409);
    assertThat(conflict.bodyAsJsonObject().getJsonObject("conflictingRequest").getString("message"))
        .contains("vm_state building");

    AgentTestCloud.Server fromVolume = cloud.boot(host, "rebuild-bfv", "1", null, firstImage,
        Map.of("disk_format", "raw"), 1, new JsonObject().put("networks", new JsonArray().add("none")), member);
    cloud.await(fromVolume, j -> "ACTIVE".equals(j.getString("status")), 60_000);
    var volumeBacked = rebuild(fromVolume.id(), member.token(), new JsonObject().put("imageRef", secondImage));
    assertThat(volumeBacked.statusCode()).isEqualTo(400);
    assertThat(volumeBacked.bodyAsJsonObject().getJsonObject("badRequest").getString("message"))
        .contains("volume-backed");

    JsonObject unchanged = cloud.show(s);
    assertThat(unchanged.getString("status")).isEqualTo("ACTIVE");
    assertThat(unchanged.getJsonObject("image").getString("id")).isEqualTo(firstImage);
  }

  private static String md5(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
  }
}
