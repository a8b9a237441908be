package io.strato.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.agent.hypervisor.DomainXml;
import io.strato.agent.hypervisor.GuestSpec;
import io.strato.common.db.Database;
import io.strato.common.messages.ServerAction;
import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;

/**
 * A domain never outlives its instance's record, nor is destroyed while its record may still be coming: a build the
 * conductor times out loses its domain; at start-up the agent keeps a domain whose build is not recorded yet, and
 * destroys one whose instance is gone.
 */
@ExtendWith(SharedInfrastructure.class)
class DomainLifetimeTest {

  private static boolean defined(String uuid) throws LibvirtException {
    Connect c = new Connect("test:///default");
    try {
      c.domainLookupByUUIDString(uuid);
      return true;
    } catch (LibvirtException e) {
      return false;
    } finally {
      c.close();
    }
  }

  private static void define(String uuid, String host) throws LibvirtException {
    Connect c = new Connect("test:///default");
    try {
      c.domainDefineXML(DomainXml.of(new GuestSpec(uuid, "instance-" + uuid, host, "test", 1, 64, List.of(), null,
          null, null, List.of(), null))).create();
    } finally {
      c.close();
    }
  }

  private static void await(String what, Check check) throws Exception {
    long deadline = System.currentTimeMillis() + 40_000;
    while (!check.holds()) {
      assertThat(System.currentTimeMillis()).as(what).isLessThan(deadline);
      Thread.sleep(100); // back-off between checks
    }
  }

  private interface Check {
    boolean holds() throws Exception;
  }

  @Test
  @DisplayName("a build the conductor times out while its domain runs: the instance is ERROR and the domain is gone")
  void timedOutBuildLosesItsDomain() throws Exception {
    AgentTestCloud cloud = AgentTestCloud.get();
    String host = "timeout-" + UUID.randomUUID().toString().substring(0, 6);
    cloud.startAgent(host, Files.createTempDirectory("agent-timeout"), Map.of());
    String image = cloud.image("timeout-img", "raw", new byte[4096], new JsonObject());
    var s = cloud.boot(host, "slow", "1", image, image, Map.of("disk_format", "raw"), 1);
    cloud.await(s, j -> j != null && "ACTIVE".equals(j.getString("status")), 30_000);
    assertThat(defined(s.id())).isTrue();

    // The domain runs, but the build's last update never reached the conductor, and it made no progress for an hour.
    Pool nova = TestIdentity.await(Database.open(cloud.identity.vertx, cloud.settings, "nova"));
    try {
      TestIdentity.await(nova.preparedQuery("UPDATE instances SET vm_state = 'building', task_state = 'spawning',"
          + " updated_at = now() - interval '1 hour' WHERE id = $1").execute(Tuple.of(UUID.fromString(s.id()))));
    } finally {
      nova.close();
    }

    await("the conductor never timed the build out", () -> "ERROR".equals(cloud.show(s).getString("status")));
    assertThat(cloud.show(s).getJsonObject("fault").getString("message")).contains("timed out");
    await("the domain of the timed-out build still exists", () -> !defined(s.id()));
    var ports = cloud.identity.call(HttpMethod.GET, cloud.identity.settings.getInt("network.port"),
        "/v2.0/ports?device_id=" + s.id(), cloud.identity.adminToken(), null, Map.of()).bodyAsJsonObject()
        .getJsonArray("ports");
    assertThat(ports).isEmpty();
  }

  @Test
  @DisplayName("an abort-build order for a server that is ACTIVE on this host (stale, or sent by mistake) leaves it"
      + " running")
  void abortOfALiveBuildIsRefused() throws Exception {
    AgentTestCloud cloud = AgentTestCloud.get();
    String host = "live-" + UUID.randomUUID().toString().substring(0, 6);
    cloud.startAgent(host, Files.createTempDirectory("agent-live"), Map.of());
    String image = cloud.image("live-img", "raw", new byte[4096], new JsonObject());
    var s = cloud.boot(host, "live", "1", image, image, Map.of("disk_format", "raw"), 1);
    cloud.await(s, j -> j != null && "ACTIVE".equals(j.getString("status")), 30_000);

    cloud.awaitHandled(host, cloud.order(host, s, ServerAction.ABORT_BUILD));

    assertThat(defined(s.id())).as("the domain of the ACTIVE server").isTrue();
    assertThat(cloud.show(s).getString("status")).isEqualTo("ACTIVE");
  }

  @Test
  @DisplayName("at start-up the agent keeps a domain whose build is not recorded yet, destroys one whose instance is"
      + " gone, and the kept one once its instance is deleted")
  void startUpWaitsForTheRecord() throws Exception {
    AgentTestCloud cloud = AgentTestCloud.get();
    TestIdentity identity = cloud.identity;
    String host = "record-" + UUID.randomUUID().toString().substring(0, 6);
    String image = cloud.image("record-img", "raw", new byte[4096], new JsonObject());
    var member = identity.newProject("record");
    String pending = create(cloud, member, image);
    String gone = create(cloud, member, image);
    assertThat(identity.call(HttpMethod.DELETE, cloud.computePort, "/v2.1/servers/" + gone, member.token(), null,
        Map.of()).statusCode()).isEqualTo(204);
    // Domains made by a build whose first update the conductor had not applied when the agent stopped.
    define(pending, host);
    define(gone, host);

    cloud.startAgent(host, Files.createTempDirectory("agent-record"), Map.of("agent.reconcile.grace.seconds", "1"));
    assertThat(defined(gone)).as("domain of a deleted instance").isFalse();
    assertThat(defined(pending)).as("domain of an instance still building with no host recorded").isTrue();

    assertThat(identity.call(HttpMethod.DELETE, cloud.computePort, "/v2.1/servers/" + pending, member.token(), null,
        Map.of()).statusCode()).isEqualTo(204);
    await("the kept domain outlived its deleted instance", () -> !defined(pending));
  }

  /** A server the compute API accepted (BUILD, no host: there is no scheduler in this cloud). */
  private static String create(AgentTestCloud cloud, TestIdentity.Member member, String image) {
    var resp = cloud.identity.call(HttpMethod.POST, cloud.computePort, "/v2.1/servers", member.token(),
        new JsonObject().put("server", new JsonObject().put("name", "unrecorded").put("flavorRef", "1")
            .put("imageRef", image)), Map.of());
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(202);
    return resp.bodyAsJsonObject().getJsonObject("server").getString("id");
  }
}
