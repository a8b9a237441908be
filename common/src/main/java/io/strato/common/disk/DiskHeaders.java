package io.strato.common.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Checks on a disk image's first bytes, read here before any QEMU code touches the file: a qcow2 that names a
 * backing file or an external data file, and a VMDK text descriptor (whose extents are other files) are refused
 * without {@code qemu-img} ever being asked to open them. Blocking file I/O: call it on a worker thread.
 */
final class DiskHeaders {
  /** QEMU reads this much to probe a format. */
  private static final int PROBE_BYTES = 2048;
  private static final int QCOW2_MAGIC = 0x514649fb;
  private static final long QCOW2_EXTERNAL_DATA_FILE = 1L << 2;
  private static final long ISO_DESCRIPTOR = 32769;

  private DiskHeaders() {}

  static void check(Path file) throws IOException {
    ByteBuffer head = read(file, 0, PROBE_BYTES);
    if (head.remaining() >= 16 && head.getInt(0) == QCOW2_MAGIC) {
      if (head.getLong(8) != 0) {
        throw new DiskRefusedException("Image failed safety checks: a qcow2 image with a backing file is refused.");
      }
      if (head.getInt(4) >= 3 && head.remaining() >= 80 && (head.getLong(72) & QCOW2_EXTERNAL_DATA_FILE) != 0) {
        throw new DiskRefusedException("Image failed safety checks: a qcow2 image with an external data file is"
            + " refused.");
      }
    }
    if (isVmdkDescriptor(head)) {
      throw new DiskRefusedException("Image failed safety checks: a VMDK descriptor file (naming its extents) is"
          + " refused.");
    }
  }

  /** Does the file carry an ISO 9660 ({@code CD001}) or UDF ({@code BEA01}) volume descriptor where they belong? */
  static boolean hasIsoSignature(Path file) throws IOException {
    ByteBuffer b = read(file, ISO_DESCRIPTOR, 5);
    String id = StandardCharsets.US_ASCII.decode(b).toString();
    return id.equals("CD001") || id.equals("BEA01");
  }

  /**
   * QEMU's own VMDK text probe: after comment and blank lines, a {@code version=1|2|3} line. Such a file is a
   * descriptor whose extents QEMU opens by name.
   */
  private static boolean isVmdkDescriptor(ByteBuffer head) {
    String text = StandardCharsets.ISO_8859_1.decode(head.duplicate()).toString();
    int p = 0;
    while (p < text.length()) {
      int eol = text.indexOf('\n', p);
      String line = eol < 0 ? text.substring(p) : text.substring(p, eol);
      if (line.endsWith("\r")) line = line.substring(0, line.length() - 1);
      if (line.startsWith("#") || line.isBlank()) {
        if (eol < 0) return false;
        p = eol + 1;
        continue;
      }
      return eol >= 0 && line.matches("version=[123]");
    }
    return false;
  }

  private static ByteBuffer read(Path file, long at, int length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long pos = at;
      while (b.hasRemaining()) {
        int n = ch.read(b, pos);
        if (n < 0) break;
        pos += n;
      }
    }
    return b.flip();
  }
}
