package io.strato.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.embedded.Ports;
import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.LossyProxy;
import io.strato.testkit.TestIdentity;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The agent's port create is retry-safe: when the network service made the port but its answer was lost (the
 * agent's call timed out), the build finds that port instead of making a second one or ending in ERROR.
 */
@ExtendWith(SharedInfrastructure.class)
class PortCreateRetryTest {

  @Test
  @DisplayName("the answer to the first port create is lost: the server goes ACTIVE with exactly one port")
  void lostAnswerMakesOnePort() throws Exception {
    AgentTestCloud cloud = AgentTestCloud.get();
    TestIdentity identity = cloud.identity;
    String host = "port-retry-" + UUID.randomUUID().toString().substring(0, 6);
    cloud.startAgent(host, Files.createTempDirectory("agent-port-retry"), Map.of("http.client.timeout.ms", "1000",
        "http.client.attempts", "3", "http.client.backoff.ms", "100"));
    String image = cloud.image("port-retry-img", "raw", new byte[4096], new JsonObject());
    var member = identity.newProject("port-retry");
    String net = cloud.privateNetwork(member, "10.84.0.0/24");
    int networkPort = identity.settings.getInt("network.port");
    int moved = Ports.free();
    cloud.moveNetworkService(moved);
    try (LossyProxy proxy = LossyProxy.start(identity.vertx, networkPort, moved, "POST", "/v2.0/ports", 1)) {
      var s = cloud.boot(host, "one-port", "1", image, image, Map.of("disk_format", "raw"), 1, new JsonObject()
          .put("networks", new JsonArray().add(new JsonObject().put("uuid", net))), member);
      JsonObject server = cloud.await(s, j -> j != null && !"BUILD".equals(j.getString("status")), 60_000);
      assertThat(proxy.lost()).as("the proxy lost the first answer").isEqualTo(1);
      var ports = identity.call(HttpMethod.GET, networkPort, "/v2.0/ports?device_id=" + s.id(), member.token(), null,
          Map.of()).bodyAsJsonObject().getJsonArray("ports");
      assertThat(ports).as(ports.encode()).hasSize(1);
      assertThat(server.getString("status")).as(String.valueOf(server.getValue("fault"))).isEqualTo("ACTIVE");
    } finally {
      cloud.moveNetworkService(networkPort);
    }
  }
}
