package io.strato.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.embedded.DemoImageBuilder;
import io.strato.embedded.SharedInfrastructure;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;

/**
 * The demo image booted as a real guest through {@code qemu:///system}: software emulation (domain type
 * {@code qemu}), since this kind of machine offers no usable KVM (FACTS.md). The test starts libvirtd and virtlogd
 * when they are not running; {@code ./strato test} installs QEMU and libvirtd. Only where that cannot work (not root,
 * packages missing) is it skipped, saying why.
 */
@ExtendWith(SharedInfrastructure.class)
class RealGuestBootTest {
  private static AgentTestCloud cloud;
  private static String host;
  private static Path stateDir;

  @BeforeAll
  static void start() throws Exception {
    requireLibvirtDaemon();
    cloud = AgentTestCloud.get();
    host = "real-guest-" + UUID.randomUUID().toString().substring(0, 6);
    // libvirt runs QEMU as its own user: the instance files must be under a folder it can traverse.
    stateDir = Files.createDirectories(Path.of("/var/lib/strato-test", host));
    cloud.startAgent(host, stateDir, Map.of("agent.libvirt.uri", "qemu:///system", "agent.domain.type", "qemu"));
  }

  /** Skips (or, with STRATO_TEST_REQUIRE_ALL, fails) unless root with libvirtd and QEMU; starts the daemons. */
  static void requireLibvirtDaemon() throws Exception {
    boolean root = "root".equals(System.getProperty("user.name"));
    boolean installed = Files.isExecutable(Path.of("/usr/sbin/libvirtd"))
        && Files.isExecutable(Path.of("/usr/bin/qemu-system-x86_64"));
    if (!root || !installed) {
      String why = !root ? "not root (libvirtd and QEMU need it)" : "libvirtd or qemu-system-x86 is not installed";
      if ("1".equals(System.getenv("STRATO_TEST_REQUIRE_ALL"))) throw new AssertionError("cannot boot a real guest: " + why);
      Assumptions.abort("skipped: cannot boot a real guest here: " + why);
    }
    if (!running("virtlogd")) exec("virtlogd", "-d");
    if (!running("libvirtd")) exec("libvirtd", "-d");
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      try {
        new Connect("qemu:///system").close();
        return;
      } catch (LibvirtException e) {
        if (System.currentTimeMillis() > deadline) throw new AssertionError("libvirtd never answered", e);
        Thread.onSpinWait();
      }
    }
  }

  /** The demo image registered in the image service: its machine image and what an assignment names with it. */
  record DemoImage(String id, Map<String, String> properties) {
    static DemoImage register(AgentTestCloud cloud) throws Exception {
      DemoImageBuilder.Files3 files = DemoImageBuilder.build();
      String kernel = cloud.image("guest-kernel", "aki", Files.readAllBytes(files.kernel()), new JsonObject());
      String ramdisk = cloud.image("guest-ramdisk", "ari", Files.readAllBytes(files.initrd()), new JsonObject());
      String cmdline = "console=ttyS0 rdinit=/init";
      String machine = cloud.image("guest", "raw", Files.readAllBytes(files.disk()), new JsonObject()
          .put("kernel_id", kernel).put("ramdisk_id", ramdisk).put("os_command_line", cmdline));
      return new DemoImage(machine, Map.of("disk_format", "raw", "kernel_id", kernel, "ramdisk_id", ramdisk,
          "os_command_line", cmdline));
    }
  }

  private static boolean running(String name) throws Exception {
    return new ProcessBuilder("pgrep", "-x", name).start().waitFor() == 0;
  }

  private static void exec(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).inheritIO().start();
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " failed");
    }
  }

  @Test
  @DisplayName("the demo image boots to userspace under QEMU and prints its banner on the serial console log")
  void demoImageBootsAsARealGuest() throws Exception {
    DemoImage image = DemoImage.register(cloud);
    AgentTestCloud.Server s = cloud.boot(host, "real-guest", "1", image.id(), image.id(), image.properties(), 1);
    JsonObject server = cloud.await(s, j -> j != null && !"BUILD".equals(j.getString("status")), 120_000);
    assertThat(server.getString("status")).as(String.valueOf(server.getValue("fault"))).isEqualTo("ACTIVE");

    Path console = stateDir.resolve("instances").resolve(s.id()).resolve("console.log");
    long deadline = System.currentTimeMillis() + 180_000;
    while (!(Files.exists(console) && Files.readString(console).contains(DemoImageBuilder.BANNER))) {
      assertThat(System.currentTimeMillis()).as("the guest never printed its banner; console so far:\n"
          + (Files.exists(console) ? Files.readString(console) : "(none)")).isLessThan(deadline);
      Thread.sleep(200); // polling a file QEMU writes; nothing to wait on but the file itself
    }

    cloud.delete(s);
    cloud.await(s, j -> j == null, 60_000);
    Connect c = new Connect("qemu:///system");
    try {
      assertThat(c.listDefinedDomains()).doesNotContain("instance-" + s.id());
      boolean found;
      try {
        c.domainLookupByUUIDString(s.id());
        found = true;
      } catch (LibvirtException e) {
        found = false;
      }
      assertThat(found).as("the domain is gone").isFalse();
    } finally {
      c.close();
    }
  }
}
