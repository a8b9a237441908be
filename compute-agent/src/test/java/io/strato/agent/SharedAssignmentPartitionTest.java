package io.strato.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.kafka.HostPartitions;
import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every host's orders share strato.assignments, keyed by host: two agents whose hosts' orders land on the same
 * partition each build their own hosts' orders and skip (and commit past) the others'.
 */
@ExtendWith(SharedInfrastructure.class)
class SharedAssignmentPartitionTest {
  private static AgentTestCloud cloud;
  private static TestIdentity identity;
  /** A fleet agent of two hosts, {@code fleet-0001} and {@code fleet-0002}. */
  private static String fleet;
  private static String other;
  private static Path fleetState;
  private static Path otherState;
  private static String imageId;

  @BeforeAll
  static void start() throws Exception {
    cloud = AgentTestCloud.get();
    identity = cloud.identity;
    int partitions = cloud.assignmentPartitions();
    String suffix = UUID.randomUUID().toString().substring(0, 6);
    // Host names whose orders all land on one partition: the fleet's two hosts, and the other agent's host.
    int i = 0;
    do {
      fleet = "shared-" + suffix + "-" + i++;
    } while (HostPartitions.of(fleet + "-0001", partitions) != HostPartitions.of(fleet + "-0002", partitions));
    int partition = HostPartitions.of(fleet + "-0001", partitions);
    do {
      other = "shared-other-" + suffix + "-" + i++;
    } while (HostPartitions.of(other, partitions) != partition);
    fleetState = Files.createTempDirectory("agent-shared-fleet");
    otherState = Files.createTempDirectory("agent-shared-other");
    cloud.startAgent(fleet, fleetState, Map.of("agent.fleet.size", "2"));
    cloud.startAgent(other, otherState, Map.of());
    imageId = cloud.image("shared-img", "raw", new byte[8192], new JsonObject());
  }

  @Test
  @DisplayName("two agents whose hosts share an assignment partition each build only their own hosts' servers, and "
      + "each commits past the other's orders")
  void eachAgentBuildsOnlyItsOwnHosts() {
    TestIdentity.Member member = identity.newProject("shared");
    JsonObject build = new JsonObject().put("networks", new JsonArray().add("none"));
    List<String> hosts = List.of(fleet + "-0001", other, fleet + "-0002");
    List<AgentTestCloud.Server> servers = hosts.stream().map(h -> cloud.boot(h, "on-" + h, "1", imageId, imageId,
        Map.of("disk_format", "raw"), 1, build, member)).toList();

    for (int n = 0; n < hosts.size(); n++) {
      JsonObject server = cloud.await(servers.get(n), s -> s != null && !"BUILD".equals(s.getString("status")),
          60_000);
      assertThat(server.getString("status")).as("server on " + hosts.get(n)).isEqualTo("ACTIVE");
      assertThat(server.getString("OS-EXT-SRV-ATTR:host")).isEqualTo(hosts.get(n));
      boolean fleets = !hosts.get(n).equals(other);
      Path built = (fleets ? fleetState : otherState).resolve("instances").resolve(servers.get(n).id());
      Path skipped = (fleets ? otherState : fleetState).resolve("instances").resolve(servers.get(n).id());
      assertThat(built.resolve("disk")).as("disk of the server on " + hosts.get(n)).exists();
      assertThat(skipped).as("the other agent made nothing for the server on " + hosts.get(n)).doesNotExist();
    }
    // Both agents' groups moved past every order on the partition: the skipped ones leave no lag behind.
    for (int n = 0; n < hosts.size(); n++) {
      cloud.awaitCommittedPast(fleet, hosts.get(n), servers.get(n));
      cloud.awaitCommittedPast(other, hosts.get(n), servers.get(n));
    }
  }
}
