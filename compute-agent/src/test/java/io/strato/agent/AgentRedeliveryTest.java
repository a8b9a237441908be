package io.strato.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.faults.PausePoints;
import io.strato.embedded.Ports;
import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;

/**
 * An assignment that arrives again (the agent restarted before committing it) or late (its instance was deleted
 * first) builds nothing: the agent checks the instance's recorded state before any side effect.
 */
@ExtendWith(SharedInfrastructure.class)
class AgentRedeliveryTest {
  private static AgentTestCloud cloud;
  private static TestIdentity identity;
  private static String host;
  private static Path stateDir;
  private static String imageId;

  @BeforeAll
  static void start() throws Exception {
    cloud = AgentTestCloud.get();
    identity = cloud.identity;
    host = "redelivery-" + UUID.randomUUID().toString().substring(0, 6);
    stateDir = Files.createTempDirectory("agent-redelivery");
    cloud.startAgent(host, stateDir, Map.of());
    imageId = cloud.image("redelivery-img", "raw", new byte[8192], new JsonObject());
  }

  private static void restartAgent() {
    TestIdentity.await(identity.vertx.undeploy(cloud.lastAgentDeployment()));
    cloud.startAgent(host, stateDir, Map.of("agent.port", String.valueOf(Ports.free())));
  }

  private static String digest(Path file) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  private static JsonArray portsOf(String instanceId) {
    return identity.call(HttpMethod.GET, identity.settings.getInt("network.port"), "/v2.0/ports?device_id="
        + instanceId, identity.adminToken(), null, Map.of()).bodyAsJsonObject().getJsonArray("ports");
  }

  private static boolean domainExists(String id) throws LibvirtException {
    Connect c = new Connect("test:///default");
    try {
      c.domainLookupByUUIDString(id);
      return true;
    } catch (LibvirtException e) {
      return false;
    } finally {
      c.close();
    }
  }

  @Test
  @DisplayName("an ACTIVE instance's assignment delivered again after an agent restart leaves its disk, port and"
      + " domain as they were")
  void redeliveredAssignmentOfActiveInstance() throws Exception {
    var member = identity.newProject("redeliver");
    String net = cloud.privateNetwork(member, "10.81.0.0/24");
    var s = cloud.boot(host, "once", "1", imageId, imageId, Map.of("disk_format", "raw"), 1, new JsonObject()
        .put("networks", new JsonArray().add(new JsonObject().put("uuid", net))), member);
    JsonObject active = cloud.await(s, j -> j != null && "ACTIVE".equals(j.getString("status")), 30_000);
    Path disk = stateDir.resolve("instances").resolve(s.id()).resolve("disk");
    String before = digest(disk);
    JsonArray ports = portsOf(s.id());
    assertThat(ports).hasSize(1);

    restartAgent();
    var again = cloud.send(host, s);
    cloud.awaitHandled(host, again);

    assertThat(digest(disk)).as("the root disk was not rewritten").isEqualTo(before);
    assertThat(portsOf(s.id())).as("no second port, the first kept").isEqualTo(ports);
    assertThat(domainExists(s.id())).isTrue();
    JsonObject after = cloud.show(s);
    assertThat(after.getString("status")).isEqualTo("ACTIVE");
    assertThat(after.getJsonObject("addresses")).isEqualTo(active.getJsonObject("addresses"));
  }

  private static JsonArray volumesOf(TestIdentity.Member member) {
    return identity.call(HttpMethod.GET, identity.settings.getInt("volume.port"), "/v3/" + member.projectId()
        + "/volumes/detail", member.token(), null, Map.of()).bodyAsJsonObject().getJsonArray("volumes");
  }

  @Test
  @DisplayName("a build killed after it made and attached its volume (the agent gone mid-step), delivered again to the"
      + " restarted agent, is built again: ACTIVE on that host with one new volume attached, the first one gone")
  void interruptedBuildIsBuiltAgain() throws Exception {
    // Its own agent, whose builds may pause at a step (test.pause.seconds) so that it can be stopped right there.
    String pausing = "interrupted-" + UUID.randomUUID().toString().substring(0, 6);
    Path dir = Files.createTempDirectory("agent-interrupted");
    cloud.startAgent(pausing, dir, Map.of("test.pause.seconds", "120"));
    var member = identity.newProject("interrupted");
    var s = cloud.boot(pausing, "killed-at-networking", "1", imageId, imageId, Map.of("disk_format", "raw"), 1,
        new JsonObject().put("networks", new JsonArray().add("none"))
            .put("metadata", new JsonObject().put(PausePoints.METADATA_KEY, "networking"))
            .put("block_device_mapping_v2", new JsonArray().add(new JsonObject().put("source_type", "blank")
                .put("destination_type", "volume").put("volume_size", 1).put("boot_index", -1))),
        member);
    cloud.await(s, j -> pausing.equals(j.getString("OS-EXT-SRV-ATTR:host")), 30_000);
    long deadline = System.currentTimeMillis() + 30_000;
    while (volumesOf(member).stream().noneMatch(v -> !((JsonObject) v).getJsonArray("attachments").isEmpty())) {
      assertThat(System.currentTimeMillis()).as("the build never attached its volume").isLessThan(deadline);
      Thread.sleep(100); // polling another service's state
    }
    String first = volumesOf(member).getJsonObject(0).getString("id");

    // The agent goes away mid-build (its paused build with it) and comes back; the assignment arrives again.
    TestIdentity.await(identity.vertx.undeploy(cloud.lastAgentDeployment()));
    cloud.startAgent(pausing, dir, Map.of());
    cloud.awaitHandled(pausing, cloud.send(pausing, s));

    JsonObject after = cloud.await(s, j -> !"BUILD".equals(j.getString("status")), 30_000);
    assertThat(after.getString("status")).as("%s", after).isEqualTo("ACTIVE");
    assertThat(after.getString("OS-EXT-SRV-ATTR:host")).isEqualTo(pausing);
    JsonArray volumes = volumesOf(member);
    assertThat(volumes).as("one volume, made by the new build: %s", volumes).hasSize(1);
    assertThat(volumes.getJsonObject(0).getString("id")).as("the first build's volume is gone").isNotEqualTo(first);
    assertThat(volumes.getJsonObject(0).getJsonArray("attachments")).hasSize(1);
  }

  @Test
  @DisplayName("an assignment that arrives after its instance was deleted builds nothing")
  void assignmentAfterDelete() throws Exception {
    var member = identity.newProject("late");
    var resp = identity.call(HttpMethod.POST, cloud.computePort, "/v2.1/servers", member.token(), new JsonObject()
        .put("server", new JsonObject().put("name", "gone").put("flavorRef", "1").put("imageRef", imageId)), Map.of());
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(202);
    String id = resp.bodyAsJsonObject().getJsonObject("server").getString("id");
    assertThat(identity.call(HttpMethod.DELETE, cloud.computePort, "/v2.1/servers/" + id, member.token(), null,
        Map.of()).statusCode()).isEqualTo(204);
    // The assignment of the deleted instance, as a scheduler that placed it just before the delete would send it.
    var stale = cloud.assign(host, id, "1", imageId, Map.of("disk_format", "raw"), 1, new JsonObject()
        .put("networks", new JsonArray().add("none")), member, "req-late");
    cloud.awaitHandled(host, stale);
    assertThat(domainExists(id)).as("no domain for a deleted instance").isFalse();
    assertThat(stateDir.resolve("instances").resolve(id)).doesNotExist();
  }
}
