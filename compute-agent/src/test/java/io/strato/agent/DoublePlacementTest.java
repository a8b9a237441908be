package io.strato.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.agent.hypervisor.DomainXml;
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
 * One instance placed twice, on two hosts (a scheduler replica whose partitions moved, or whose placement ledger was
 * lost, places a request another replica already placed): one build wins, fenced by the host and attempt the
 * conductor records, and the other host leaves nothing behind.
 */
@ExtendWith(SharedInfrastructure.class)
class DoublePlacementTest {
  private static AgentTestCloud cloud;
  private static TestIdentity identity;
  private static String hostA;
  private static String hostB;
  private static Path stateA;
  private static Path stateB;
  private static String imageId;

  @BeforeAll
  static void start() throws Exception {
    cloud = AgentTestCloud.get();
    identity = cloud.identity;
    String suffix = UUID.randomUUID().toString().substring(0, 6);
    hostA = "twice-a-" + suffix;
    hostB = "twice-b-" + suffix;
    stateA = Files.createTempDirectory("agent-twice-a");
    stateB = Files.createTempDirectory("agent-twice-b");
    cloud.startAgent(hostA, stateA, Map.of());
    cloud.startAgent(hostB, stateB, Map.of());
    imageId = cloud.image("twice-img", "raw", new byte[8192], new JsonObject());
  }

  private static JsonArray portsOf(String instanceId) {
    return identity.call(HttpMethod.GET, identity.settings.getInt("network.port"), "/v2.0/ports?device_id="
        + instanceId, identity.adminToken(), null, Map.of()).bodyAsJsonObject().getJsonArray("ports");
  }

  /** The host written in the domain's metadata, or null when there is no such domain. */
  private static String domainHost(String id) throws LibvirtException {
    Connect c = new Connect("test:///default");
    try {
      return DomainXml.hostOf(c.domainLookupByUUIDString(id).getXMLDesc(0));
    } catch (LibvirtException e) {
      return null;
    } finally {
      c.close();
    }
  }

  @Test
  @DisplayName("two placements of one request on two hosts end with one domain, one port and one host recorded")
  void twoPlacementsOneBuild() throws Exception {
    var member = identity.newProject("twice");
    String net = cloud.privateNetwork(member, "10.82.0.0/24");
    JsonObject build = new JsonObject().put("networks", new JsonArray().add(new JsonObject().put("uuid", net)));
    for (int round = 0; round < 3; round++) {
      var onA = cloud.boot(hostA, "twice-" + round, "1", imageId, imageId, Map.of("disk_format", "raw"), 1, build,
          member);
      var onB = cloud.send(hostB, onA);
      JsonObject active = cloud.await(onA, j -> j != null && !"BUILD".equals(j.getString("status")), 30_000);
      cloud.awaitHandled(hostA, onA);
      cloud.awaitHandled(hostB, onB);

      assertThat(active.getString("status")).isEqualTo("ACTIVE");
      String winner = active.getString("OS-EXT-SRV-ATTR:host");
      assertThat(winner).isIn(hostA, hostB);
      Path winnerDir = (winner.equals(hostA) ? stateA : stateB).resolve("instances").resolve(onA.id());
      Path loserDir = (winner.equals(hostA) ? stateB : stateA).resolve("instances").resolve(onA.id());
      JsonArray ports = portsOf(onA.id());
      assertThat(ports).as("one port, bound to the recorded host").hasSize(1);
      assertThat(ports.getJsonObject(0).getString("binding:host_id")).isEqualTo(winner);
      assertThat(domainHost(onA.id())).as("the domain is the recorded host's").isEqualTo(winner);
      assertThat(winnerDir.resolve("disk")).exists();
      assertThat(loserDir).as("the other host made no disk").doesNotExist();
      JsonObject after = cloud.show(onA);
      assertThat(after.getString("status")).isEqualTo("ACTIVE");
      assertThat(after.getString("OS-EXT-SRV-ATTR:host")).isEqualTo(winner);
      assertThat(after.getJsonObject("addresses")).isEqualTo(active.getJsonObject("addresses"));
    }
  }
}
