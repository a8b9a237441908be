package io.strato.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.db.Database;
import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Nova's local delete: a server whose host is down (its compute service forced down by an admin, or silent for
 * {@code scheduler.service.down.time.seconds}) is deleted by the compute API itself, since no agent would carry out
 * the order: it is gone at once, with its port deleted, its user's own port unbound, its volumes detached (a
 * {@code delete_on_termination} one deleted) and its quota given back.
 */
@ExtendWith(SharedInfrastructure.class)
class DownHostDeleteTest {
  private static AgentTestCloud cloud;
  private static TestIdentity identity;
  private static Pool nova;
  private static String imageId;

  @BeforeAll
  static void start() throws Exception {
    cloud = AgentTestCloud.get();
    identity = cloud.identity;
    nova = TestIdentity.await(Database.open(identity.vertx, cloud.settings, "nova"));
    imageId = cloud.image("down-host-img", "raw", new byte[8192], new JsonObject());
  }

  @AfterAll
  static void stop() {
    if (nova != null) TestIdentity.await(nova.close());
  }

  private static JsonObject usage(TestIdentity.Member m) {
    return identity.call(HttpMethod.GET, cloud.computePort, "/v2.1/limits", m.token(), null, Map.of())
        .bodyAsJsonObject().getJsonObject("limits").getJsonObject("absolute");
  }

  private static JsonObject call(HttpMethod method, int port, String path, String token, JsonObject body) {
    var resp = identity.call(method, port, path, token, body, Map.of());
    return resp.statusCode() == 404 ? null : resp.bodyAsJsonObject();
  }

  /**
   * An ACTIVE server of {@code member} on a fresh host of its own, with a port the agent makes on {@code net}, the
   * member's own port {@code userPort}, and a root volume deleted on termination; the host's agent is then stopped.
   */
  private static AgentTestCloud.Server activeOnStoppedHost(TestIdentity.Member member, String net, String userPort,
      String host) throws Exception {
    cloud.startAgent(host, Files.createTempDirectory("agent-down"), Map.of());
    JsonObject build = new JsonObject()
        .put("networks", new JsonArray().add(new JsonObject().put("uuid", net))
            .add(new JsonObject().put("port", userPort)))
        .put("block_device_mapping_v2", new JsonArray().add(new JsonObject().put("boot_index", 0).put("uuid", imageId)
            .put("source_type", "image").put("destination_type", "volume").put("volume_size", 1)
            .put("delete_on_termination", true)));
    var s = cloud.boot(host, "on-" + host, "1", imageId, imageId, Map.of("disk_format", "raw"), 1, build, member);
    cloud.await(s, j -> j != null && "ACTIVE".equals(j.getString("status")), 30_000);
    TestIdentity.await(identity.vertx.undeploy(cloud.lastAgentDeployment()));
    return s;
  }

  private static String userPort(TestIdentity.Member member, String net) {
    return call(HttpMethod.POST, identity.settings.getInt("network.port"), "/v2.0/ports", member.token(),
        new JsonObject().put("port", new JsonObject().put("network_id", net).put("name", "mine")))
        .getJsonObject("port").getString("id");
  }

  /** A project with a network and a port of its own, its usage before, and its server on a host now stopped. */
  private static final class Setup {
    final TestIdentity.Member member;
    final String userPort;
    final JsonObject before;
    final String host;
    final AgentTestCloud.Server server;

    Setup(String project, String cidr) throws Exception {
      member = identity.newProject(project);
      String net = cloud.privateNetwork(member, cidr);
      userPort = userPort(member, net);
      before = usage(member);
      host = project + "-" + UUID.randomUUID().toString().substring(0, 6);
      server = activeOnStoppedHost(member, net, userPort, host);
    }
  }

  private static void assertReleased(Setup setup) {
    TestIdentity.Member member = setup.member;
    AgentTestCloud.Server s = setup.server;
    String userPort = setup.userPort;
    JsonObject before = setup.before;
    assertThat(cloud.show(s)).as("the server is gone").isNull();
    int networkPort = identity.settings.getInt("network.port");
    assertThat(call(HttpMethod.GET, networkPort, "/v2.0/ports?device_id=" + s.id(), identity.adminToken(), null)
        .getJsonArray("ports")).as("no port on the server").isEmpty();
    JsonObject mine = call(HttpMethod.GET, networkPort, "/v2.0/ports/" + userPort, member.token(), null);
    assertThat(mine).as("the member's own port stays").isNotNull();
    assertThat(mine.getJsonObject("port").getString("device_id")).isEmpty();
    JsonArray volumes = call(HttpMethod.GET, identity.settings.getInt("volume.port"), "/v3/" + member.projectId()
        + "/volumes/detail", member.token(), null).getJsonArray("volumes");
    assertThat(volumes.stream().map(o -> (JsonObject) o).filter(v -> !"deleting".equals(v.getString("status"))))
        .as("the root volume, delete_on_termination, is deleted").isEmpty();
    JsonObject after = usage(member);
    for (String counter : List.of("totalInstancesUsed", "totalCoresUsed", "totalRAMUsed")) {
      assertThat(after.getInteger(counter)).as(counter).isEqualTo(before.getInteger(counter));
    }
  }

  @Test
  @DisplayName("a server on a host an admin forced down (2.53 by service id) is deleted at once: ports, volume and"
      + " quota released, the delete recorded")
  void forcedDownHost() throws Exception {
    var setup = new Setup("down-forced", "10.84.0.0/24");
    var member = setup.member;
    String host = setup.host;
    var s = setup.server;

    Map<String, String> v253 = Map.of("OpenStack-API-Version", "compute 2.53");
    String serviceId = identity.call(HttpMethod.GET, cloud.computePort, "/v2.1/os-services?host=" + host,
        identity.adminToken(), null, v253).bodyAsJsonObject().getJsonArray("services").getJsonObject(0)
        .getString("id");
    var down = identity.call(HttpMethod.PUT, cloud.computePort, "/v2.1/os-services/" + serviceId,
        identity.adminToken(), new JsonObject().put("forced_down", true), v253);
    assertThat(down.statusCode()).as(down.bodyAsString()).isEqualTo(200);

    var deleted = identity.call(HttpMethod.DELETE, cloud.computePort, "/v2.1/servers/" + s.id(), member.token(),
        null, Map.of());
    assertThat(deleted.statusCode()).as(deleted.bodyAsString()).isEqualTo(204);
    assertReleased(setup);
    JsonArray actions = TestIdentity.await(nova.preparedQuery("SELECT action FROM instance_actions WHERE"
        + " instance_id = $1 AND action = 'delete'").execute(Tuple.of(UUID.fromString(s.id())))
        .map(rows -> new JsonArray().add(rows.size())));
    assertThat(actions.getInteger(0)).as("the delete is recorded").isEqualTo(1);
  }

  @Test
  @DisplayName("a server on a host that has not reported for service_down_time is deleted at once, everything"
      + " released")
  void silentHost() throws Exception {
    var setup = new Setup("down-silent", "10.85.0.0/24");
    String host = setup.host;
    var s = setup.server;

    // The host's last report, an hour ago: done again should a report still in flight land after it.
    long deadline = System.currentTimeMillis() + 10_000;
    do {
      TestIdentity.await(nova.preparedQuery("UPDATE compute_nodes SET reported_at = now() - interval '1 hour'"
          + " WHERE host = $1").execute(Tuple.of(host)));
      assertThat(System.currentTimeMillis()).as("the host shown down").isLessThan(deadline);
    } while (!"down".equals(identity.call(HttpMethod.GET, cloud.computePort, "/v2.1/os-services?host=" + host,
        identity.adminToken(), null, Map.of()).bodyAsJsonObject().getJsonArray("services").getJsonObject(0)
        .getString("state")));
    var deleted = identity.call(HttpMethod.DELETE, cloud.computePort, "/v2.1/servers/" + s.id(),
        setup.member.token(), null, Map.of());
    assertThat(deleted.statusCode()).as(deleted.bodyAsString()).isEqualTo(204);
    assertReleased(setup);
  }
}
