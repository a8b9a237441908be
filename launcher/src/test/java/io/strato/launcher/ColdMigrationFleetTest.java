package io.strato.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.embedded.SharedInfrastructure;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Cold migration and resize between two hosts (a fleet agent simulating two on libvirt's test driver), with the
 * source host left out as devstack and Nova do ({@code scheduler.allow.resize.to.same.host=false}), through the real
 * {@code openstack} client.
 */
@ExtendWith(SharedInfrastructure.class)
class ColdMigrationFleetTest {
  private static AllInOne cloud;
  private static Cli cli;
  private static Path dir;

  @BeforeAll
  static void start() throws Exception {
    Cli.requireInstalled();
    dir = Files.createTempDirectory("strato-migrate");
    cloud = new AllInOne();
    cloud.start(TestClouds.settings(dir, "mig", Map.of("agent.fleet.size", "2",
        "aio.allow.resize.to.same.host", "false")), TestClouds.externalInfrastructure());
    cli = new Cli(dir.resolve("clouds.yaml"));
  }

  @AfterAll
  static void stop() {
    if (cloud != null) cloud.close();
  }

  @Test
  @DisplayName("server migrate moves the server to the other host (VERIFY_RESIZE there), revert brings it back;"
      + " resize moves it with the new flavor, confirm leaves it there with nothing on the source; delete removes it")
  void migrateRevertResizeConfirm() throws Exception {
    String id = new JsonObject(cli.openstack("strato", "server", "create", "--image", "cirros", "--flavor", "m1.tiny",
        "--wait", "mig-vm", "-f", "json")).getString("id");
    String source = host(id);
    String other = source.equals("mig-0001") ? "mig-0002" : "mig-0001";

    cli.openstack("strato-admin", "server", "migrate", "--wait", id);
    assertThat(adminShow(id).getString("status")).isEqualTo("VERIFY_RESIZE");
    assertThat(host(id)).isEqualTo(other);
    assertThat(domainHost(id)).isEqualTo(other);
    cli.openstack("strato", "server", "resize", "revert", id);
    awaitStatus(id, "ACTIVE");
    assertThat(host(id)).isEqualTo(source);
    assertThat(domainHost(id)).isEqualTo(source);

    cli.openstack("strato", "server", "resize", "--flavor", "m1.small", "--wait", id);
    assertThat(host(id)).isEqualTo(other);
    cli.openstack("strato", "server", "resize", "confirm", id);
    awaitStatus(id, "ACTIVE");
    JsonObject shown = adminShow(id);
    assertThat(shown.getString("OS-EXT-SRV-ATTR:host")).isEqualTo(other);
    assertThat(shown.getString("flavor")).contains("m1.small");
    assertThat(domainHost(id)).isEqualTo(other);
    Path instances = dir.resolve("data").resolve("agent").resolve("instances");
    assertThat(Files.exists(instances.resolve(id + "_resize"))).isFalse();
    assertThat(Files.exists(instances.resolve(id).resolve("disk"))).isTrue();

    cli.openstack("strato", "server", "delete", "--wait", id);
    assertThat(domainHost(id)).as("the domain is gone").isNull();
  }

  private static String host(String id) {
    return adminShow(id).getString("OS-EXT-SRV-ATTR:host");
  }

  private static JsonObject adminShow(String id) {
    return new JsonObject(cli.openstack("strato-admin", "server", "show", id, "-f", "json"));
  }

  private static void awaitStatus(String id, String status) {
    long deadline = System.currentTimeMillis() + 60_000;
    while (true) {
      String now = adminShow(id).getString("status");
      if (status.equals(now)) return;
      assertThat(System.currentTimeMillis()).as(id + " stayed " + now + ", expected " + status).isLessThan(deadline);
    }
  }

  /** The host in the domain's Strato metadata (the all-in-one's libvirt is this JVM's test:///default); null: none. */
  private static String domainHost(String id) throws Exception {
    org.libvirt.Connect c = new org.libvirt.Connect("test:///default");
    try {
      return io.strato.agent.hypervisor.DomainXml.hostOf(c.domainLookupByUUIDString(id).getXMLDesc(0));
    } catch (org.libvirt.LibvirtException e) {
      return null;
    } finally {
      c.close();
    }
  }
}
