package io.strato.agent.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DomainXmlTest {
  private static final String UUID = "0f8c2c5e-9d1a-4a55-b0d2-5f0f6a1c2b3d";

  private static GuestSpec guest(Path kernel, List<GuestSpec.Nic> nics) {
    return new GuestSpec(UUID, "instance-" + UUID, "compute-01", "qemu", 2, 512,
        List.of(new GuestSpec.Disk(Path.of("/var/lib/strato/disk"), "qcow2", "vda", "virtio")),
        kernel, kernel == null ? null : Path.of("/cache/initrd"), kernel == null ? null : "console=ttyS0",
        nics, Path.of("/var/lib/strato/console.log"));
  }

  @Test
  @DisplayName("the domain is named by the instance, sized by the flavor, with its disk, NICs and console log")
  void flavorDiskNicsConsole() {
    String xml = DomainXml.of(guest(null, List.of(new GuestSpec.Nic("fa:16:3e:00:00:01", "default", "p1"))));
    assertThat(xml).contains("<domain type='qemu'>", "<uuid>" + UUID + "</uuid>", "<memory unit='MiB'>512</memory>",
        "<vcpu>2</vcpu>", "<boot dev='hd'/>", "<driver name='qemu' type='qcow2'/>",
        "<source file='/var/lib/strato/disk'/>", "<target dev='vda' bus='virtio'/>",
        "<mac address='fa:16:3e:00:00:01'/>", "<source path='/var/lib/strato/console.log'/>");
    assertThat(xml).doesNotContain("<graphics").doesNotContain("<kernel>");
  }

  @Test
  @DisplayName("a port on a Linux bridge is a bridge interface: the port's MAC, its network's bridge, its tap")
  void bridgeNic() {
    String xml = DomainXml.of(guest(null, List.of(GuestSpec.Nic.onBridge("fa:16:3e:00:00:02", "p2",
        "brq0123456789a", "tap0123456789a"))));
    assertThat(xml).contains("<interface type='bridge'>", "<mac address='fa:16:3e:00:00:02'/>",
        "<source bridge='brq0123456789a'/>", "<target dev='tap0123456789a'/>", "<model type='virtio'/>")
        .doesNotContain("<source network=");
  }

  @Test
  @DisplayName("a config drive is a read-only CD-ROM on the IDE bus; other disks stay disks")
  void configDriveIsACdrom() {
    String xml = DomainXml.disk(GuestSpec.Disk.cdrom(Path.of("/i/disk.config"), "hdd"), "");
    assertThat(xml).contains("<disk type='file' device='cdrom'>", "<source file='/i/disk.config'/>",
        "<target dev='hdd' bus='ide'/>", "<readonly/>");
    assertThat(DomainXml.disk(new GuestSpec.Disk(Path.of("/d"), "qcow2", "vda", "virtio"), ""))
        .contains("device='disk'").doesNotContain("<readonly/>");
  }

  @Test
  @DisplayName("an image with kernel_id and ramdisk_id boots its kernel directly")
  void directKernelBoot() {
    String xml = DomainXml.of(guest(Path.of("/cache/vmlinuz"), List.of()));
    assertThat(xml).contains("<kernel>/cache/vmlinuz</kernel>", "<initrd>/cache/initrd</initrd>",
        "<cmdline>console=ttyS0</cmdline>").doesNotContain("<boot dev=");
  }

  @Test
  @DisplayName("the owning host is kept in the metadata and read back; other domains have none")
  void hostMetadata() {
    assertThat(DomainXml.hostOf(DomainXml.of(guest(null, List.of())))).isEqualTo("compute-01");
    assertThat(DomainXml.hostOf("<domain type='test'><name>test</name></domain>")).isNull();
  }

  @Test
  @DisplayName("names and paths are escaped, so a hostile name cannot inject XML")
  void escaping() {
    GuestSpec g = new GuestSpec(UUID, "x'><evil/>", "h&<>", "test", 1, 64, List.of(), null, null, null, List.of(),
        null);
    String xml = DomainXml.of(g);
    assertThat(xml).doesNotContain("<evil/>").contains("x&apos;&gt;&lt;evil/&gt;");
    assertThat(DomainXml.hostOf(xml)).isEqualTo("h&<>");
  }
}
