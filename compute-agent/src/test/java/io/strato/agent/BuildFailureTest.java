package io.strato.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;

/**
 * A build that fails at any step ends in ERROR with a fault naming the step, and leaves nothing behind: no domain,
 * no disk, no port, no volume.
 */
@ExtendWith(SharedInfrastructure.class)
class BuildFailureTest {
  private static AgentTestCloud cloud;
  private static TestIdentity identity;
  private static String host;
  private static String imageId;
  private static Path stateDir;

  @BeforeAll
  static void start() throws Exception {
    cloud = AgentTestCloud.get();
    identity = cloud.identity;
    host = "failing-" + UUID.randomUUID().toString().substring(0, 6);
    stateDir = Files.createTempDirectory("agent-failures");
    cloud.startAgent(host, stateDir, Map.of());
    imageId = cloud.image("fail-img", "raw", new byte[4096], new JsonObject());
  }

  private static JsonObject awaitError(AgentTestCloud.Server s) {
    return cloud.await(s, j -> j != null && "ERROR".equals(j.getString("status")), 30_000);
  }

  private static void assertNothingLeft(AgentTestCloud.Server s) throws Exception {
    assertThat(stateDir.resolve("instances").resolve(s.id())).doesNotExist();
    Connect c = new Connect("test:///default");
    try {
      c.domainLookupByUUIDString(s.id());
      throw new AssertionError("domain " + s.id() + " was left behind");
    } catch (LibvirtException expected) {
      // no such domain: nothing leaked
    } finally {
      c.close();
    }
    var ports = identity.call(HttpMethod.GET, identity.settings.getInt("network.port"),
        "/v2.0/ports?device_id=" + s.id(), identity.adminToken(), null, Map.of()).bodyAsJsonObject()
        .getJsonArray("ports");
    assertThat(ports).as("ports of " + s.id()).isEmpty();
  }

  @Test
  @DisplayName("the image service down during a build: ERROR while spawning, nothing leaked")
  void imageServiceDown() throws Exception {
    var member = identity.newProject("noimg");
    AgentTestCloud.Server s;
    try {
      // The compute API checks the image when it accepts the boot; the image service goes down after that.
      s = cloud.acceptThenAssign(host, "no-image", imageId, imageId, new JsonObject()
          .put("networks", new JsonArray().add("none")), member, cloud::stopImageService);
      JsonObject server = awaitError(s);
      assertThat(server.getJsonObject("fault").getString("message")).contains("while spawning");
    } finally {
      cloud.startImageService();
    }
    assertNothingLeft(s);
  }

  @Test
  @DisplayName("a full subnet: ERROR while networking, and no port is left for the instance")
  void fullSubnet() throws Exception {
    var member = identity.newProject("full");
    int networkPort = identity.settings.getInt("network.port");
    String net = identity.call(HttpMethod.POST, networkPort, "/v2.0/networks", member.token(), new JsonObject()
        .put("network", new JsonObject().put("name", "tiny")), Map.of()).bodyAsJsonObject().getJsonObject("network")
        .getString("id");
    var subnet = identity.call(HttpMethod.POST, networkPort, "/v2.0/subnets", member.token(), new JsonObject()
        .put("subnet", new JsonObject().put("network_id", net).put("ip_version", 4).put("cidr", "192.168.99.0/30")),
        Map.of());
    assertThat(subnet.statusCode()).as(subnet.bodyAsString()).isEqualTo(201);
    // Take every address of the pool.
    while (identity.call(HttpMethod.POST, networkPort, "/v2.0/ports", member.token(), new JsonObject()
        .put("port", new JsonObject().put("network_id", net)), Map.of()).statusCode() == 201) {
      Thread.onSpinWait();
    }
    AgentTestCloud.Server s = cloud.boot(host, "no-address", "1", imageId, imageId, Map.of("disk_format", "raw"), 1,
        new JsonObject().put("networks", new JsonArray().add(new JsonObject().put("uuid", net))), member);
    JsonObject server = awaitError(s);
    assertThat(server.getJsonObject("fault").getString("message")).contains("while networking");
    assertNothingLeft(s);
  }

  @Test
  @DisplayName("a volume that fails: ERROR during block device mapping, and the volume made for it is gone")
  void failingVolume() throws Exception {
    var member = identity.newProject("badvol");
    String queued = identity.call(HttpMethod.POST, cloud.imagePort, "/v2/images", identity.adminToken(),
        new JsonObject().put("name", "no-data").put("disk_format", "raw").put("container_format", "bare")
            .put("visibility", "public"), Map.of()).bodyAsJsonObject().getString("id");
    JsonArray bdm = new JsonArray().add(new JsonObject().put("boot_index", 0).put("uuid", queued)
        .put("source_type", "image").put("destination_type", "volume").put("volume_size", 1)
        .put("delete_on_termination", false));
    AgentTestCloud.Server s = cloud.boot(host, "bad-volume", "1", imageId, "", Map.of(), 1, new JsonObject()
        .put("networks", new JsonArray().add("none")).put("block_device_mapping_v2", bdm), member);
    JsonObject server = awaitError(s);
    assertThat(server.getJsonObject("fault").getString("message")).contains("while block_device_mapping");
    assertNothingLeft(s);
    long deadline = System.currentTimeMillis() + 20_000;
    while (true) {
      JsonArray volumes = identity.call(HttpMethod.GET, identity.settings.getInt("volume.port"),
          "/v3/" + member.projectId() + "/volumes", member.token(), null, Map.of()).bodyAsJsonObject()
          .getJsonArray("volumes");
      if (volumes.isEmpty()) break;
      assertThat(System.currentTimeMillis()).as("volumes left: " + volumes).isLessThan(deadline);
      Thread.onSpinWait();
    }
  }
}
