package io.strato.common.disk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Set;

/**
 * The policy every image a tenant supplies must pass before it is stored as active, cached as a base image or
 * copied into a volume (Nova's and Glance's deep image inspection): the declared {@code disk_format} is known; the
 * first bytes name no other file ({@link DiskHeaders}); {@code qemu-img info}, run with limits, finds exactly the
 * declared format; the image has no backing file and no external data file; a VMDK is one of Nova's allowed
 * {@code createType}s; an {@code iso} carries a volume descriptor. Blocks: {@link DiskInspector} runs it on a worker.
 */
public final class DiskInspection {
  /** Nova's default {@code [compute] vmdk_allowed_types}: single-file VMDKs only. */
  private static final Set<String> VMDK_ALLOWED_TYPES = Set.of("streamOptimized", "monolithicSparse");

  private DiskInspection() {}

  /**
   * What the image really is; {@link DiskRefusedException} (with a message for the tenant) when it must not be used,
   * {@link IOException} when it could not be inspected for reasons of this host's own.
   */
  public static DiskInfo inspect(Path file, String declaredFormat, InspectionLimits limits) throws IOException {
    String expected = DiskFormats.qemuFormatOf(declaredFormat).orElseThrow(() -> new DiskRefusedException(
        declaredFormat == null ? "Image has no disk_format." : "Image not in a supported format: " + declaredFormat));
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(file + " is not a regular file");
    }
    DiskHeaders.check(file);
    DiskInfo info = DiskInfo.parse(QemuImgInfo.run(file, limits));
    if (!info.format().equals(expected)) {
      throw new DiskRefusedException("Image disk_format " + declaredFormat + " does not match stream data "
          + DiskFormats.glanceNameOf(info.format()) + ".");
    }
    if (info.backingFile() != null) {
      throw new DiskRefusedException("Image failed safety checks: an image with a backing file is refused.");
    }
    if (info.dataFile() != null) {
      throw new DiskRefusedException("Image failed safety checks: an image with an external data file is refused.");
    }
    if (info.format().equals("vmdk") && !VMDK_ALLOWED_TYPES.contains(info.vmdkCreateType())) {
      throw new DiskRefusedException("Image failed safety checks: VMDK createType " + info.vmdkCreateType()
          + " is refused (allowed: " + VMDK_ALLOWED_TYPES + ").");
    }
    if (declaredFormat.equals("iso") && !DiskHeaders.hasIsoSignature(file)) {
      throw new DiskRefusedException("Image disk_format iso does not match stream data raw.");
    }
    return info;
  }
}
