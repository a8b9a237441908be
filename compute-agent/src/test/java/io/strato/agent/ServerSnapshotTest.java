package io.strato.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.kafka.KafkaSettings;
import io.strato.common.kafka.Topics;
import io.strato.common.lifecycle.TaskState;
import io.strato.common.messages.InstanceUpdate;
import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
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

/**
 * Server snapshots ({@code createImage}) on libvirt's test driver, through the compute API: the image service gets a
 * snapshot image with the root disk's data, the server walks Nova's task states and stays ACTIVE, and a server boots
 * from the snapshot; a snapshot that fails leaves no image and the server as it was.
 */
@ExtendWith(SharedInfrastructure.class)
class ServerSnapshotTest {
  private static AgentTestCloud cloud;
  private static TestIdentity identity;
  private static String host;
  private static Path stateDir;
  private static byte[] baseData;
  private static String baseImage;
  private static final Map<String, List<InstanceUpdate>> updates = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    cloud = AgentTestCloud.get();
    identity = cloud.identity;
    host = "snapshot-" + UUID.randomUUID().toString().substring(0, 6);
    stateDir = Files.createTempDirectory("agent-state");
    cloud.startAgent(host, stateDir, Map.of("agent.memory.mb", "8192", "agent.vcpus", "8"));
    baseData = new byte[256 * 1024];
    new Random(13).nextBytes(baseData);
    baseImage = cloud.image("snapshot-base", "raw", baseData, new JsonObject().put("os_distro", "testos"));
    KafkaConsumer<String, String> reader =
        KafkaConsumer.create(identity.vertx, KafkaSettings.consumer(cloud.settings, "snap-test-" + UUID.randomUUID()));
    reader.handler(r -> updates.computeIfAbsent(r.key(), k -> new CopyOnWriteArrayList<>())
        .add(InstanceUpdate.fromJson(new JsonObject(r.value()))));
    TestIdentity.await(reader.subscribe(Topics.INSTANCE_UPDATES));
  }

  private static AgentTestCloud.Server activeServer(String name, TestIdentity.Member member, String image) {
    AgentTestCloud.Server s = cloud.boot(host, name, "1", image, image, Map.of("disk_format", "raw"), 1,
        new JsonObject().put("networks", new JsonArray().add("none")), member);
    cloud.await(s, j -> "ACTIVE".equals(j.getString("status")), 30_000);
    return s;
  }

  private static io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> createImage(String serverId,
      String token, Object args) {
    return identity.call(HttpMethod.POST, cloud.computePort, "/v2.1/servers/" + serverId + "/action", token,
        new JsonObject().put("createImage", args), Map.of());
  }

  private static JsonObject image(String id, String token) {
    var resp = identity.call(HttpMethod.GET, cloud.imagePort, "/v2/images/" + id, token, null, Map.of());
    return resp.statusCode() == 404 ? null : resp.bodyAsJsonObject();
  }

  private static JsonObject snapshotAction(AgentTestCloud.Server s) {
    JsonArray actions = identity.call(HttpMethod.GET, cloud.computePort, "/v2.1/servers/" + s.id()
        + "/os-instance-actions", s.owner().token(), null, Map.of()).bodyAsJsonObject().getJsonArray("instanceActions");
    String requestId = actions.stream().map(a -> (JsonObject) a).filter(a -> "createImage".equals(a.getString("action")))
        .findFirst().orElseThrow().getString("request_id");
    return identity.call(HttpMethod.GET, cloud.computePort, "/v2.1/servers/" + s.id() + "/os-instance-actions/"
        + requestId, identity.adminToken(), null, Map.of()).bodyAsJsonObject().getJsonObject("instanceAction");
  }

  /** The task states the agent reported for the instance after its build, in order, up to the one with no task. */
  private static List<String> snapshotTaskStates(String id) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      List<InstanceUpdate> seen = List.copyOf(updates.getOrDefault(id, List.of()));
      List<InstanceUpdate> after = seen.stream().filter(u -> u.expectedTaskState() != null
          && u.expectedTaskState().isSnapshotStep()).toList();
      if (!after.isEmpty() && after.get(after.size() - 1).taskState() == null) {
        return after.stream().map(u -> String.valueOf(TaskState.wireOf(u.taskState()))).toList();
      }
      assertThat(System.currentTimeMillis()).as("the snapshot never ended: " + seen).isLessThan(deadline);
      Thread.sleep(100); // back-off between looks
    }
  }

  @Test
  @DisplayName("createImage captures the root disk into an active snapshot image of the server's project, the server"
      + " walks image_snapshot, image_pending_upload, image_uploading and stays ACTIVE, and a server boots from it")
  void snapshotAndBootFromIt() throws Exception {
    TestIdentity.Member member = identity.newProject("snap");
    AgentTestCloud.Server s = activeServer("snap-vm", member, baseImage);
    var resp = createImage(s.id(), member.token(), new JsonObject().put("name", "snap-1")
        .put("metadata", new JsonObject().put("purpose", "backup")));
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(202);
    String location = resp.getHeader("Location");
    assertThat(location).contains("/v2/images/");
    String imageId = location.substring(location.lastIndexOf('/') + 1);

    assertThat(snapshotTaskStates(s.id()))
        .containsExactly("image_snapshot", "image_pending_upload", "image_uploading", "null");
    JsonObject server = cloud.await(s, j -> j.getValue("OS-EXT-STS:task_state") == null, 30_000);
    assertThat(server.getString("status")).isEqualTo("ACTIVE");
    assertThat(server.getInteger("OS-EXT-STS:power_state")).as("running again").isEqualTo(1);

    JsonObject image = image(imageId, member.token());
    assertThat(image.getString("status")).isEqualTo("active");
    assertThat(image.getString("name")).isEqualTo("snap-1");
    assertThat(image.getString("owner")).isEqualTo(member.projectId());
    assertThat(image.getString("visibility")).isEqualTo("private");
    assertThat(image.getString("image_type")).isEqualTo("snapshot");
    assertThat(image.getString("instance_uuid")).isEqualTo(s.id());
    assertThat(image.getString("base_image_ref")).isEqualTo(baseImage);
    assertThat(image.getString("purpose")).isEqualTo("backup");
    assertThat(image.getString("os_distro")).as("inherited from the base image").isEqualTo("testos");
    assertThat(image.getString("disk_format")).isEqualTo("qcow2");

    // The image's data is a self-contained qcow2 whose disk starts with the base image's bytes.
    byte[] data = identity.call(HttpMethod.GET, cloud.imagePort, "/v2/images/" + imageId + "/file", member.token(),
        null, Map.of()).body().getBytes();
    assertThat(image.getLong("size")).isEqualTo(data.length);
    assertThat(image.getString("checksum")).isEqualTo(HexFormat.of().formatHex(
        MessageDigest.getInstance("MD5").digest(data)));
    Path qcow2 = Files.createTempFile("snapshot", ".qcow2");
    Path raw = Files.createTempFile("snapshot", ".raw");
    Files.write(qcow2, data);
    Process convert = new ProcessBuilder("qemu-img", "convert", "-f", "qcow2", "-O", "raw", qcow2.toString(),
        raw.toString()).redirectErrorStream(true).start();
    assertThat(convert.waitFor()).as(new String(convert.getInputStream().readAllBytes())).isZero();
    assertThat(Arrays.copyOf(Files.readAllBytes(raw), baseData.length)).isEqualTo(baseData);

    JsonObject action = snapshotAction(s);
    JsonObject event = action.getJsonArray("events").getJsonObject(0);
    assertThat(event.getString("event")).isEqualTo("compute_snapshot_instance");
    assertThat(event.getString("result")).isEqualTo("Success");

    AgentTestCloud.Server fromSnapshot = cloud.boot(host, "from-snap", "1", imageId, imageId,
        Map.of("disk_format", "qcow2"), 1, new JsonObject().put("networks", new JsonArray().add("none")), member);
    JsonObject booted = cloud.await(fromSnapshot, j -> !"BUILD".equals(j.getString("status")), 30_000);
    assertThat(booted.getString("status")).as(booted.encode()).isEqualTo("ACTIVE");
    assertThat(booted.getJsonObject("image").getString("id")).isEqualTo(imageId);
  }

  @Test
  @DisplayName("a stopped server is snapshotted too and stays SHUTOFF; a paused one stays PAUSED")
  void stoppedAndPausedServers() throws Exception {
    TestIdentity.Member member = identity.newProject("snap");
    AgentTestCloud.Server stopped = activeServer("snap-stopped", member, baseImage);
    assertThat(identity.call(HttpMethod.POST, cloud.computePort, "/v2.1/servers/" + stopped.id() + "/action",
        member.token(), new JsonObject().putNull("os-stop"), Map.of()).statusCode()).isEqualTo(202);
    cloud.await(stopped, j -> "SHUTOFF".equals(j.getString("status")) && j.getValue("OS-EXT-STS:task_state") == null,
        30_000);
    assertThat(createImage(stopped.id(), member.token(), new JsonObject().put("name", "of-stopped")).statusCode())
        .isEqualTo(202);
    snapshotTaskStates(stopped.id());
    assertThat(cloud.show(stopped).getString("status")).isEqualTo("SHUTOFF");

    AgentTestCloud.Server paused = activeServer("snap-paused", member, baseImage);
    assertThat(identity.call(HttpMethod.POST, cloud.computePort, "/v2.1/servers/" + paused.id() + "/action",
        member.token(), new JsonObject().putNull("pause"), Map.of()).statusCode()).isEqualTo(202);
    cloud.await(paused, j -> "PAUSED".equals(j.getString("status")) && j.getValue("OS-EXT-STS:task_state") == null,
        30_000);
    assertThat(createImage(paused.id(), member.token(), new JsonObject().put("name", "of-paused")).statusCode())
        .isEqualTo(202);
    snapshotTaskStates(paused.id());
    JsonObject after = cloud.show(paused);
    assertThat(after.getString("status")).isEqualTo("PAUSED");
    assertThat(after.getInteger("OS-EXT-STS:power_state")).as("3 is paused").isEqualTo(3);
  }

  @Test
  @DisplayName("an admin snapshots another project's server: the image is the admin project's, shared, and names the"
      + " server's project as instance_owner, as Nova makes it")
  void adminSnapshotOfAnotherProjectsServer() throws Exception {
    TestIdentity.Member member = identity.newProject("snap");
    AgentTestCloud.Server s = activeServer("snap-by-admin", member, baseImage);
    String admin = identity.adminToken();
    var resp = createImage(s.id(), admin, new JsonObject().put("name", "by-admin"));
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(202);
    String location = resp.getHeader("Location");
    String imageId = location.substring(location.lastIndexOf('/') + 1);
    snapshotTaskStates(s.id());
    JsonObject image = image(imageId, admin);
    assertThat(image.getString("status")).isEqualTo("active");
    assertThat(image.getString("owner")).isNotEqualTo(member.projectId());
    assertThat(image.getString("visibility")).isEqualTo("shared");
    assertThat(image.getString("instance_owner")).isEqualTo(member.projectId());
  }

  @Test
  @DisplayName("a snapshot whose disk cannot be read ends with no image, the server ACTIVE and the action's event in"
      + " error")
  void failedSnapshotRevertsCleanly() throws Exception {
    TestIdentity.Member member = identity.newProject("snap");
    AgentTestCloud.Server s = activeServer("snap-broken", member, baseImage);
    Files.delete(stateDir.resolve("instances").resolve(s.id()).resolve("disk"));
    var resp = createImage(s.id(), member.token(), new JsonObject().put("name", "doomed"));
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(202);
    String location = resp.getHeader("Location");
    String imageId = location.substring(location.lastIndexOf('/') + 1);
    snapshotTaskStates(s.id());
    JsonObject server = cloud.await(s, j -> j.getValue("OS-EXT-STS:task_state") == null, 30_000);
    assertThat(server.getString("status")).isEqualTo("ACTIVE");
    assertThat(server.getInteger("OS-EXT-STS:power_state")).isEqualTo(1);
    assertThat(image(imageId, member.token())).as("the image is deleted").isNull();
    JsonObject event = snapshotAction(s).getJsonArray("events").getJsonObject(0);
    assertThat(event.getString("event")).isEqualTo("compute_snapshot_instance");
    assertThat(event.getString("result")).isEqualTo("Error");
  }

  @Test
  @DisplayName("createImage refuses bad input with Nova's faults: no name or an unknown field 400, a reader 403, another"
      + " project or an unknown or deleted server 404, a server still building 409, a volume-backed server 400")
  void refusals() {
    TestIdentity.Member member = identity.newProject("snap");
    AgentTestCloud.Server s = activeServer("snap-refusals", member, baseImage);
    var noName = createImage(s.id(), member.token(), new JsonObject());
    assertThat(noName.statusCode()).isEqualTo(400);
    assertThat(noName.bodyAsJsonObject().getJsonObject("badRequest").getString("message")).contains("name");
    assertThat(createImage(s.id(), member.token(), new JsonObject().put("name", "x").put("colour", "red"))
        .statusCode()).isEqualTo(400);
    assertThat(createImage(s.id(), member.token(), new JsonObject().put("name", "x").put("metadata", "m"))
        .statusCode()).isEqualTo(400);
    assertThat(createImage(s.id(), member.token(), "not an object").statusCode()).isEqualTo(400);
    var reader = createImage(s.id(), identity.reader(member.projectId()), new JsonObject().put("name", "x"));
    assertThat(reader.statusCode()).isEqualTo(403);
    assertThat(reader.bodyAsJsonObject().getJsonObject("forbidden").getString("message"))
        .isEqualTo("Policy doesn't allow os_compute_api:servers:create_image to be performed.");
    var other = createImage(s.id(), identity.newProject("other").token(), new JsonObject().put("name", "x"));
    assertThat(other.statusCode()).isEqualTo(404);
    assertThat(other.bodyAsJsonObject().getJsonObject("itemNotFound")).isNotNull();
    assertThat(createImage(UUID.randomUUID().toString(), member.token(), new JsonObject().put("name", "x"))
        .statusCode()).isEqualTo(404);

    // Accepted by the API but never assigned to a host: still building.
    var building = identity.call(HttpMethod.POST, cloud.computePort, "/v2.1/servers", member.token(), new JsonObject()
        .put("server", new JsonObject().put("name", "never-placed").put("flavorRef", "1").put("imageRef", baseImage)
            .put("networks", "none")), Map.of("OpenStack-API-Version", "compute 2.37"));
    String buildingId = building.bodyAsJsonObject().getJsonObject("server").getString("id");
    var conflict = createImage(buildingId, member.token(), new JsonObject().put("name", "x"));
    assertThat(conflict.statusCode()).isEqualTo(409);
    assertThat(conflict.bodyAsJsonObject().getJsonObject("conflictingRequest").getString("message"))
        .contains("vm_state building");

    AgentTestCloud.Server fromVolume = cloud.boot(host, "snap-bfv", "1", null, baseImage, Map.of("disk_format", "raw"),
        1, new JsonObject().put("networks", new JsonArray().add("none")), member);
    cloud.await(fromVolume, j -> "ACTIVE".equals(j.getString("status")), 60_000);
    var volumeBacked = createImage(fromVolume.id(), member.token(), new JsonObject().put("name", "x"));
    assertThat(volumeBacked.statusCode()).isEqualTo(400);
    assertThat(volumeBacked.bodyAsJsonObject().getJsonObject("badRequest").getString("message"))
        .contains("volume-backed");

    cloud.delete(s);
    cloud.await(s, j -> j == null, 30_000);
    assertThat(createImage(s.id(), member.token(), new JsonObject().put("name", "x")).statusCode()).isEqualTo(404);
    // None of the refused requests left an image behind.
    JsonArray images = identity.call(HttpMethod.GET, cloud.imagePort, "/v2/images?owner=" + member.projectId(),
        member.token(), null, Map.of()).bodyAsJsonObject().getJsonArray("images");
    assertThat(images).isEmpty();
  }
}
