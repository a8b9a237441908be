package io.strato.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One project cannot boot with what another project owns: not through the compute API (which checks every id with the
 * caller's token in the service that owns it), and not through the agent (which acts for the instance's project,
 * never as an admin) should a stale or forged assignment name it anyway. The owner's resources stay untouched.
 */
@ExtendWith(SharedInfrastructure.class)
class CrossProjectBootTest {
  private static AgentTestCloud cloud;
  private static TestIdentity identity;
  private static String host;
  private static String publicImage;
  private static int networkPort;
  private static int volumePort;
  /** The victim and what it owns. */
  private static TestIdentity.Member owner;
  private static String ownerVolume;
  private static String ownerNetwork;
  private static String ownerPort;
  private static String ownerImage;

  @BeforeAll
  static void start() throws Exception {
    cloud = AgentTestCloud.get();
    identity = cloud.identity;
    networkPort = identity.settings.getInt("network.port");
    volumePort = identity.settings.getInt("volume.port");
    host = "isolation-" + UUID.randomUUID().toString().substring(0, 6);
    cloud.startAgent(host, Files.createTempDirectory("agent-isolation"), Map.of());
    publicImage = cloud.image("isolation-public", "raw", new byte[4096], new JsonObject());
    owner = identity.newProject("owner");
    ownerVolume = availableVolume(owner);
    ownerNetwork = privateNetwork(owner, "10.77.0.0/24");
    ownerPort = port(owner, ownerNetwork);
    ownerImage = privateImage(owner, "owner-kernel");
  }

  static String availableVolume(TestIdentity.Member m) {
    var created = identity.call(HttpMethod.POST, volumePort, "/v3/" + m.projectId() + "/volumes", m.token(),
        new JsonObject().put("volume", new JsonObject().put("size", 1).put("name", "mine")), Map.of());
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(202);
    String id = created.bodyAsJsonObject().getJsonObject("volume").getString("id");
    long deadline = System.currentTimeMillis() + 20_000;
    while (!"available".equals(volume(m, id).getString("status"))) {
      assertThat(System.currentTimeMillis()).as("volume " + id + " never available").isLessThan(deadline);
      Thread.onSpinWait();
    }
    return id;
  }

  static JsonObject volume(TestIdentity.Member m, String id) {
    return identity.call(HttpMethod.GET, volumePort, "/v3/" + m.projectId() + "/volumes/" + id, m.token(), null,
        Map.of()).bodyAsJsonObject().getJsonObject("volume");
  }

  static String privateNetwork(TestIdentity.Member m, String cidr) {
    return cloud.privateNetwork(m, cidr);
  }

  static String port(TestIdentity.Member m, String network) {
    var port = identity.call(HttpMethod.POST, networkPort, "/v2.0/ports", m.token(), new JsonObject()
        .put("port", new JsonObject().put("network_id", network)), Map.of());
    assertThat(port.statusCode()).as(port.bodyAsString()).isEqualTo(201);
    return port.bodyAsJsonObject().getJsonObject("port").getString("id");
  }

  static JsonObject portOf(TestIdentity.Member m, String id) {
    return identity.call(HttpMethod.GET, networkPort, "/v2.0/ports/" + id, m.token(), null, Map.of())
        .bodyAsJsonObject().getJsonObject("port");
  }

  static String privateImage(TestIdentity.Member m, String name) {
    return image(m, new JsonObject().put("name", name).put("disk_format", "raw").put("container_format", "bare")
        .put("visibility", "private"));
  }

  static String image(TestIdentity.Member m, JsonObject body) {
    var created = identity.call(HttpMethod.POST, cloud.imagePort, "/v2/images", m.token(), body, Map.of());
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    String id = created.bodyAsJsonObject().getString("id");
    var upload = identity.call(HttpMethod.PUT, cloud.imagePort, "/v2/images/" + id + "/file", m.token(),
        Buffer.buffer(new byte[4096]), Map.of("Content-Type", "application/octet-stream"));
    assertThat(upload.statusCode()).as(upload.bodyAsString()).isEqualTo(204);
    return id;
  }

  private static io.vertx.ext.web.client.HttpResponse<Buffer> create(TestIdentity.Member m, JsonObject server) {
    return identity.call(HttpMethod.POST, cloud.computePort, "/v2.1/servers", m.token(),
        new JsonObject().put("server", server.put("name", "intruder").put("flavorRef", "1")), Map.of());
  }

  private static void assertRefused(TestIdentity.Member m, JsonObject server, int status, String message) {
    var resp = create(m, server);
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(status);
    String fault = status == 400 ? "badRequest" : "conflictingRequest";
    assertThat(resp.bodyAsJsonObject().getJsonObject(fault).getString("message")).contains(message);
  }

  private static void assertOwnerUntouched() {
    assertThat(volume(owner, ownerVolume).getString("status")).isEqualTo("available");
    assertThat(volume(owner, ownerVolume).getJsonArray("attachments")).isEmpty();
    assertThat(portOf(owner, ownerPort).getString("device_id")).isEmpty();
    assertThat(portOf(owner, ownerPort).getString("binding:host_id", "")).isEmpty();
  }

  private static JsonArray servers(TestIdentity.Member m) {
    return identity.call(HttpMethod.GET, cloud.computePort, "/v2.1/servers", m.token(), null, Map.of())
        .bodyAsJsonObject().getJsonArray("servers");
  }

  @Test
  @DisplayName("the compute API refuses a boot naming another project's volume, port, network, image or kernel (400,"
      + " as for one that does not exist), and creates nothing")
  void apiRefusesForeignReferences() {
    TestIdentity.Member intruder = identity.newProject("intruder");
    assertRefused(intruder, new JsonObject().put("block_device_mapping_v2", new JsonArray().add(new JsonObject()
        .put("boot_index", 0).put("uuid", ownerVolume).put("source_type", "volume")
        .put("destination_type", "volume"))), 400, "failed to get volume " + ownerVolume);
    assertRefused(intruder, new JsonObject().put("imageRef", publicImage)
        .put("networks", new JsonArray().add(new JsonObject().put("port", ownerPort))), 400,
        "Port id " + ownerPort + " could not be found");
    assertRefused(intruder, new JsonObject().put("imageRef", publicImage)
        .put("networks", new JsonArray().add(new JsonObject().put("uuid", ownerNetwork))), 400,
        "Network " + ownerNetwork + " could not be found");
    assertRefused(intruder, new JsonObject().put("imageRef", publicImage).put("block_device_mapping_v2",
        new JsonArray().add(new JsonObject().put("boot_index", 1).put("uuid", ownerImage).put("source_type", "image")
            .put("destination_type", "volume").put("volume_size", 1))), 400,
        "failed to get image " + ownerImage);
    String withForeignKernel = image(intruder, new JsonObject().put("name", "mine").put("disk_format", "raw")
        .put("container_format", "bare").put("visibility", "private").put("kernel_id", ownerImage));
    assertRefused(intruder, new JsonObject().put("imageRef", withForeignKernel), 400,
        "Image " + ownerImage + " could not be found");
    // A volume that does not exist at all gets the same answer: nothing tells the two apart.
    String missing = UUID.randomUUID().toString();
    assertRefused(intruder, new JsonObject().put("block_device_mapping_v2", new JsonArray().add(new JsonObject()
        .put("boot_index", 0).put("uuid", missing).put("source_type", "volume")
        .put("destination_type", "volume"))), 400, "failed to get volume " + missing);
    assertThat(servers(intruder)).isEmpty();
    assertOwnerUntouched();
  }

  @Test
  @DisplayName("a port already bound to a server cannot be booted with again (409), even by its owner")
  void portInUseIsRefused() {
    TestIdentity.Member m = identity.newProject("busy");
    String net = privateNetwork(m, "10.78.0.0/24");
    String busy = port(m, net);
    var bound = identity.call(HttpMethod.PUT, networkPort, "/v2.0/ports/" + busy, m.token(), new JsonObject()
        .put("port", new JsonObject().put("device_id", UUID.randomUUID().toString())), Map.of());
    assertThat(bound.statusCode()).as(bound.bodyAsString()).isEqualTo(200);
    assertRefused(m, new JsonObject().put("imageRef", publicImage)
        .put("networks", new JsonArray().add(new JsonObject().put("port", busy))), 409, "is still in use");
  }

  @Test
  @DisplayName("an assignment naming another project's volume, port or private image fails its build in ERROR; the"
      + " owner's volume and port stay untouched")
  void agentActsOnlyForTheInstancesProject() {
    TestIdentity.Member intruder = identity.newProject("forger");
    var withVolume = cloud.bootWithForgedBuild(host, "forged-volume", publicImage, publicImage, new JsonObject()
        .put("networks", new JsonArray().add("none")).put("block_device_mapping_v2", new JsonArray()
            .add(new JsonObject().put("boot_index", 1).put("uuid", ownerVolume).put("source_type", "volume")
                .put("destination_type", "volume"))), intruder);
    assertThat(awaitFault(withVolume)).contains("while block_device_mapping");
    var withPort = cloud.bootWithForgedBuild(host, "forged-port", publicImage, publicImage, new JsonObject()
        .put("networks", new JsonArray().add(new JsonObject().put("port", ownerPort))), intruder);
    assertThat(awaitFault(withPort)).contains("while networking");
    var withImage = cloud.bootWithForgedBuild(host, "forged-image", publicImage, ownerImage, new JsonObject()
        .put("networks", new JsonArray().add("none")), intruder);
    assertThat(awaitFault(withImage)).contains("while spawning");
    assertOwnerUntouched();
  }

  private static String awaitFault(AgentTestCloud.Server s) {
    return cloud.await(s, j -> j != null && "ERROR".equals(j.getString("status")), 30_000).getJsonObject("fault")
        .getString("message");
  }

  @Test
  @DisplayName("the agent, acting for the project, boots with the project's own port, private network, private image"
      + " and a volume made from that image")
  void ownResourcesBoot() {
    TestIdentity.Member m = identity.newProject("own");
    String net = privateNetwork(m, "10.79.0.0/24");
    String mine = port(m, net);
    String image = privateImage(m, "own-root");
    JsonObject build = new JsonObject()
        .put("networks", new JsonArray().add(new JsonObject().put("port", mine)).add(new JsonObject()
            .put("uuid", net)))
        .put("block_device_mapping_v2", new JsonArray().add(new JsonObject().put("boot_index", 1)
            .put("uuid", image).put("source_type", "image").put("destination_type", "volume")
            .put("volume_size", 1).put("delete_on_termination", true)));
    var s = cloud.boot(host, "own", "1", image, image, Map.of("disk_format", "raw"), 1, build, m);
    JsonObject active = cloud.await(s, j -> j != null && !"BUILD".equals(j.getString("status")), 30_000);
    assertThat(active.getString("status")).as(active.encode()).isEqualTo("ACTIVE");
    assertThat(portOf(m, mine).getString("device_id")).isEqualTo(s.id());
    assertThat(active.getJsonArray("os-extended-volumes:volumes_attached")).hasSize(1);
    assertThat(active.getJsonObject("addresses").getJsonArray("mine")).hasSize(2);
  }
}
