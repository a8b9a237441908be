package io.strato.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strato.agent.hypervisor.LibvirtDriver;
import io.strato.agent.hypervisor.LibvirtReconnect;
import io.strato.embedded.EmbeddedLibvirtd;
import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;

/**
 * libvirtd restarted under a running agent (a package upgrade, a crash): the agent's connection is dead, and the
 * agent must open a new one rather than fail every build until it is restarted itself. The daemon is one of our own
 * ({@link EmbeddedLibvirtd}), so the test restarts it without touching the machine's libvirtd; its test driver
 * forgets its domains when it stops, as a rebooted host does, so the agent must also bring back its running instance.
 */
@ExtendWith(SharedInfrastructure.class)
class LibvirtReconnectTest {

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  @DisplayName("libvirtd restarted under a running agent: a boot after the restart goes ACTIVE, and the instance"
      + " that ran before it runs again")
  void bootSucceedsAfterLibvirtdRestart() throws Exception {
    if (!EmbeddedLibvirtd.available()) {
      if ("1".equals(System.getenv("STRATO_TEST_REQUIRE_ALL"))) throw new AssertionError("cannot run libvirtd here");
      Assumptions.abort("skipped: not root, or libvirtd is not installed");
    }
    AgentTestCloud cloud = AgentTestCloud.get();
    try (EmbeddedLibvirtd libvirtd = EmbeddedLibvirtd.start(Files.createTempDirectory("libvirtd"))) {
      String host = "reconnect-" + UUID.randomUUID().toString().substring(0, 6);
      cloud.startAgent(host, Files.createTempDirectory("agent-reconnect"), Map.of("agent.libvirt.uri", libvirtd.uri(),
          "agent.domain.type", "test"));
      String image = cloud.image("reconnect-img", "raw", new byte[4096], new JsonObject());
      AgentTestCloud.Server before = cloud.boot(host, "before", "1", image, image, Map.of("disk_format", "raw"), 1);
      assertActive(cloud, before);
      assertThat(running(libvirtd, before.id())).isTrue();

      libvirtd.restart();
      assertThat(running(libvirtd, before.id())).as("the restarted test driver forgot the domain").isFalse();

      AgentTestCloud.Server after = cloud.boot(host, "after", "1", image, image, Map.of("disk_format", "raw"), 1);
      assertActive(cloud, after);
      assertThat(running(libvirtd, after.id())).as("the domain of the boot after the restart runs").isTrue();
      long deadline = System.currentTimeMillis() + 30_000;
      while (!running(libvirtd, before.id())) {
        assertThat(System.currentTimeMillis()).as("the instance that ran before the restart never ran again")
            .isLessThan(deadline);
        Thread.sleep(200); // asking libvirt again; it has no event for a domain defined by another client
      }
    }
  }

  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  @DisplayName("libvirtd down: a call fails within agent.libvirt.reconnect.timeout.seconds naming libvirt; back up:"
      + " the same driver answers again")
  void callWaitsBoundedWhileLibvirtdIsDown() throws Exception {
    if (!EmbeddedLibvirtd.available()) {
      if ("1".equals(System.getenv("STRATO_TEST_REQUIRE_ALL"))) throw new AssertionError("cannot run libvirtd here");
      Assumptions.abort("skipped: not root, or libvirtd is not installed");
    }
    Vertx vertx = Vertx.vertx();
    try (EmbeddedLibvirtd libvirtd = EmbeddedLibvirtd.start(Files.createTempDirectory("libvirtd"))) {
      LibvirtDriver driver = new LibvirtDriver(vertx, libvirtd.uri(), Files.createTempDirectory("driver"),
          new LibvirtReconnect(50, 400, 2000, 0));
      assertThat(TestIdentity.await(driver.domainsOf("nobody"))).isEmpty();
      libvirtd.stop();
      long start = System.currentTimeMillis();
      assertThatThrownBy(() -> TestIdentity.await(driver.domainsOf("nobody"))).hasMessageContaining("unreachable");
      assertThat(System.currentTimeMillis() - start).as("gave up after the timeout, not at once nor much later")
          .isBetween(1_500L, 10_000L);
      libvirtd.start();
      assertThat(TestIdentity.await(driver.domainsOf("nobody"))).isEmpty();
      driver.close();
    } finally {
      vertx.close();
    }
  }

  private static void assertActive(AgentTestCloud cloud, AgentTestCloud.Server s) {
    JsonObject server = cloud.await(s, j -> j != null && !"BUILD".equals(j.getString("status")), 60_000);
    assertThat(server.getString("status")).as(String.valueOf(server.getValue("fault"))).isEqualTo("ACTIVE");
  }

  private static boolean running(EmbeddedLibvirtd libvirtd, String uuid) throws LibvirtException {
    Connect c = new Connect(libvirtd.uri());
    try {
      return c.domainLookupByUUIDString(uuid).isActive() == 1;
    } catch (LibvirtException e) {
      return false;
    } finally {
      c.close();
    }
  }
}
