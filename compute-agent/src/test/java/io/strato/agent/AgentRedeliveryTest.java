package io.strato.agent;

import static org.assertj.core.api.Assertions.assertThat;

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
