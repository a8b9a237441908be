package io.strato.agent.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.testkit.TestIdentity;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;
import org.libvirt.Domain;

/** Volume disks plugged into and out of domains of libvirt's test driver through the agent's driver. */
class LibvirtDisksTest {
  private static Vertx vertx;
  private static LibvirtDriver driver;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    driver = new LibvirtDriver(vertx, "test:///default", Files.createTempDirectory("disks"),
        new LibvirtReconnect(50, 400, 5000, 0));
  }

  @AfterAll
  static void stop() {
    driver.close();
    vertx.close();
  }

  private static String guest() throws Exception {
    String uuid = UUID.randomUUID().toString();
    TestIdentity.await(driver.spawn(new GuestSpec(uuid, "instance-" + uuid.substring(0, 8), "disks-host", "test", 1,
        64, List.of(new GuestSpec.Disk(Path.of("/var/lib/strato/" + uuid + "/disk"), "qcow2", "vda", "virtio")),
        null, null, null, List.of(), null)));
    return uuid;
  }

  private static String definition(String uuid) throws Exception {
    Connect c = new Connect("test:///default");
    try {
      return c.domainLookupByUUIDString(uuid).getXMLDesc(Domain.XMLFlags.INACTIVE);
    } finally {
      c.close();
    }
  }

  private static GuestSpec.Disk volume(String name, String target) {
    return new GuestSpec.Disk(Path.of("/volumes/volume-" + name), "raw", target, "virtio");
  }

  @Test
  @DisplayName("a disk attached to a running domain is in its definition once, however often the order runs;"
      + " detached it is gone, and detaching again is harmless")
  void attachAndDetachRunning() throws Exception {
    String uuid = guest();
    TestIdentity.await(driver.attachDisk(uuid, volume("a", "vdb")));
    TestIdentity.await(driver.attachDisk(uuid, volume("a", "vdb")));
    String xml = definition(uuid);
    assertThat(xml).contains("/volumes/volume-a").contains("vda");
    assertThat(xml.split("/volumes/volume-a", -1)).as("plugged once").hasSize(2);
    assertThat(LibvirtDisks.diskAt(xml, "vdb")).contains("/volumes/volume-a");
    TestIdentity.await(driver.detachDisk(uuid, "vdb"));
    TestIdentity.await(driver.detachDisk(uuid, "vdb"));
    assertThat(definition(uuid)).doesNotContain("/volumes/volume-a").contains("/var/lib/strato/" + uuid + "/disk");
    TestIdentity.await(driver.destroy(uuid));
  }

  @Test
  @DisplayName("a stopped domain takes the disk into its definition and has it when started; no domain, no detach"
      + " to do")
  void attachStopped() throws Exception {
    String uuid = guest();
    TestIdentity.await(driver.powerOff(uuid));
    TestIdentity.await(driver.attachDisk(uuid, volume("b", "vdc")));
    TestIdentity.await(driver.powerOn(uuid));
    assertThat(definition(uuid)).contains("/volumes/volume-b");
    assertThat(TestIdentity.await(driver.powerState(uuid))).isEqualTo(PowerState.RUNNING);
    TestIdentity.await(driver.destroy(uuid));
    TestIdentity.await(driver.detachDisk(uuid, "vdc"));
  }
}
