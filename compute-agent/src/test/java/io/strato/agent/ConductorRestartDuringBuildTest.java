package io.strato.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.embedded.SharedInfrastructure;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A build whose first step the conductor cannot record yet because it is down (killed, restarting, upgraded): the agent
 * waits for the conductor's decision, from the instance's record, instead of failing the build after a fixed wait
 * (before: {@code agent.placement.confirm.timeout.ms}, 30 s). Six seconds of conductor downtime here.
 */
@ExtendWith(SharedInfrastructure.class)
class ConductorRestartDuringBuildTest {

  @Test
  @DisplayName("a server whose build starts while the conductor is down becomes ACTIVE on its host once the "
      + "conductor is back, not ERROR ('the conductor never recorded this host's build')")
  void buildWaitsForTheConductor() throws Exception {
    AgentTestCloud cloud = AgentTestCloud.get();
    String host = "conductor-down-" + UUID.randomUUID().toString().substring(0, 6);
    Path state = Files.createTempDirectory("agent-conductor-down");
    cloud.startAgent(host, state, Map.of());
    String image = cloud.image("conductor-down-img", "raw", new byte[8192], new JsonObject());

    cloud.stopConductor();
    AgentTestCloud.Server server;
    try {
      server = cloud.boot(host, "conductor-down", "1", image, image, Map.of("disk_format", "raw"), 1);
      Thread.sleep(6_000); // the fault: the conductor down while the build waits for it
    } finally {
      cloud.startConductor();
    }

    JsonObject settled = cloud.await(server, j -> j != null && !"BUILD".equals(j.getString("status")), 60_000);
    assertThat(settled.getString("status")).as("%s", settled).isEqualTo("ACTIVE");
    assertThat(settled.getString("OS-EXT-SRV-ATTR:host")).isEqualTo(host);
  }
}
