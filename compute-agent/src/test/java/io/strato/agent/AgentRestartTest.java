package io.strato.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.agent.hypervisor.DomainXml;
import io.strato.agent.hypervisor.GuestSpec;
import io.strato.common.config.Settings;
import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/** An agent that starts again makes libvirt agree with the compute API. */
@ExtendWith(SharedInfrastructure.class)
class AgentRestartTest {

  private static boolean running(String uuid) throws LibvirtException {
    Connect c = new Connect("test:///default");
    try {
      return c.domainLookupByUUIDString(uuid).isActive() == 1;
    } catch (LibvirtException e) {
      return false;
    } finally {
      c.close();
    }
  }

  @Test
  @DisplayName("after a restart the agent brings back a running instance whose domain was lost, and destroys a"
      + " domain whose instance is gone")
  void restartReconciles() throws Exception {
    AgentTestCloud cloud = AgentTestCloud.get();
    String host = "restart-" + UUID.randomUUID().toString().substring(0, 6);
    Path state = Files.createTempDirectory("agent-restart");
    Settings first = cloud.startAgent(host, state, Map.of());
    String image = cloud.image("restart-img", "raw", new byte[8192], new JsonObject());
    AgentTestCloud.Server s = cloud.boot(host, "survivor", "1", image, image, Map.of("disk_format", "raw"), 1);
    cloud.await(s, j -> j != null && "ACTIVE".equals(j.getString("status")), 30_000);
    assertThat(running(s.id())).isTrue();

    // The agent stops; meanwhile the hypervisor loses the domain and gains a stray one of this host.
    TestIdentity.await(cloud.identity.vertx.undeploy(cloud.lastAgentDeployment()));
    String stray = UUID.randomUUID().toString();
    Connect c = new Connect("test:///default");
    try {
      Domain d = c.domainLookupByUUIDString(s.id());
      d.destroy();
      d.undefine();
      c.domainDefineXML(DomainXml.of(new GuestSpec(stray, "instance-" + stray, host, "test", 1, 64, List.of(), null,
          null, null, List.of(), null))).create();
    } finally {
      c.close();
    }
    assertThat(running(s.id())).isFalse();

    cloud.startAgent(host, state, Map.of("agent.port", String.valueOf(io.strato.embedded.Ports.free())));
    long deadline = System.currentTimeMillis() + 20_000;
    while (!running(s.id()) || running(stray)) {
      assertThat(System.currentTimeMillis()).as("libvirt never agreed with the compute API").isLessThan(deadline);
      Thread.onSpinWait();
    }
    assertThat(cloud.show(s).getString("status")).isEqualTo("ACTIVE");
    assertThat(first.get("agent.host")).isEqualTo(host);
  }
}
