package io.strato.common.disk;

import java.util.Map;
import java.util.Optional;

/**
 * Glance's {@code disk_format} values and the format {@code qemu-img} must find in their data. {@code iso} and the
 * Amazon formats ({@code ami}, {@code aki}, {@code ari}) are plain bytes to QEMU, so their data must probe as
 * {@code raw}, as Nova's deep image inspection treats them; an {@code iso} must also carry an ISO 9660 or UDF volume
 * descriptor (as Glance's format inspector checks). Every other format must be exactly what it claims.
 */
public final class DiskFormats {
  private static final Map<String, String> QEMU_FORMAT = Map.ofEntries(Map.entry("raw", "raw"),
      Map.entry("iso", "raw"), Map.entry("ami", "raw"), Map.entry("aki", "raw"), Map.entry("ari", "raw"),
      Map.entry("qcow2", "qcow2"), Map.entry("vmdk", "vmdk"), Map.entry("vhd", "vpc"), Map.entry("vhdx", "vhdx"),
      Map.entry("vdi", "vdi"), Map.entry("ploop", "parallels"));

  private DiskFormats() {}

  /** The format {@code qemu-img info} reports for data of this declared {@code disk_format}; empty if unknown. */
  public static Optional<String> qemuFormatOf(String diskFormat) {
    return Optional.ofNullable(diskFormat == null ? null : QEMU_FORMAT.get(diskFormat));
  }

  /** A format {@code qemu-img} reported, in Glance's words ({@code vpc} is {@code vhd}). */
  static String glanceNameOf(String qemuFormat) {
    return switch (qemuFormat) {
      case "vpc" -> "vhd";
      case "parallels" -> "ploop";
      default -> qemuFormat;
    };
  }
}
