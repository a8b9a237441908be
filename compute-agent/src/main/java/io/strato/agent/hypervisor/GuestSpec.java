package io.strato.agent.hypervisor;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything a domain is built from: the flavor's sizes, the disks (root overlay or volumes), direct kernel boot
 * when the image has {@code kernel_id}/{@code ramdisk_id}, one NIC per port, and the serial console log file.
 * {@code host} is the agent host that owns the domain (kept in the domain's metadata: one libvirt may serve a fleet).
 */
public record GuestSpec(String uuid, String name, String host, String type, int vcpus, long memoryMb, List<Disk> disks,
    Path kernel, Path initrd, String kernelArgs, List<Nic> nics, Path consoleLog) {

  /**
   * A disk: file path, format ({@code qcow2}, {@code raw}), target device ({@code vda}) and bus; {@code cdrom} for a
   * read-only CD-ROM (the config drive).
   */
  public record Disk(Path path, String format, String target, String bus, boolean cdrom) {
    public Disk(Path path, String format, String target, String bus) {
      this(path, format, target, bus, false);
    }

    /** A read-only ISO image on the IDE bus, which every machine type and guest kernel knows. */
    public static Disk cdrom(Path iso, String target) {
      return new Disk(iso, "raw", target, "ide", true);
    }
  }

  /**
   * A NIC: the port's MAC and what it plugs into: a Linux bridge with the tap libvirt makes for it ({@code bridge}
   * and {@code tap} set, {@code network} null), or a libvirt network by name (no plumbing of Strato's own).
   */
  public record Nic(String mac, String network, String portId, String bridge, String tap) {
    /** On a libvirt network. */
    public Nic(String mac, String network, String portId) {
      this(mac, network, portId, null, null);
    }

    /** On a Linux bridge of Strato's, through the tap {@code tap}. */
    public static Nic onBridge(String mac, String portId, String bridge, String tap) {
      return new Nic(mac, null, portId, bridge, tap);
    }
  }

  public GuestSpec {
    disks = List.copyOf(disks);
    nics = List.copyOf(nics);
  }
}
