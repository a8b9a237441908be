package io.strato.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes an empty qcow2 (version 3) image backed by another file, as {@code qemu-img create -f qcow2 -b <base>
 * -F <format> <overlay> <size>} would, without starting a process per boot: a header cluster (with the backing
 * format extension and the backing file's name), a refcount table, one refcount block and an all-zero L1 table.
 * Every cluster the guest writes is allocated later by QEMU. Blocking file I/O: call it on a worker thread.
 */
final class Qcow2Overlay {
  private static final int CLUSTER_BITS = 16;
  private static final int CLUSTER = 1 << CLUSTER_BITS;
  /** One L2 table maps CLUSTER / 8 clusters. */
  private static final long BYTES_PER_L1_ENTRY = (long) (CLUSTER / 8) * CLUSTER;
  private static final int HEADER_LENGTH = 112;
  private static final int BACKING_FORMAT_EXTENSION = 0xE2792ACA;

  private Qcow2Overlay() {}

  /** {@code sizeBytes} 0 means the backing file's size. */
  static void create(Path overlay, Path backing, String backingFormat, long sizeBytes) throws IOException {
    long size = sizeBytes > 0 ? sizeBytes : virtualSize(backing, backingFormat);
    long l1Size = Math.max(1, (size + BYTES_PER_L1_ENTRY - 1) / BYTES_PER_L1_ENTRY);
    if (l1Size * 8 > CLUSTER) throw new IOException("disk of " + size + " bytes is too large for one L1 cluster");
    byte[] name = backing.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8);
    byte[] format = backingFormat.getBytes(StandardCharsets.US_ASCII);
    long refcountTable = CLUSTER;
    long refcountBlock = 2L * CLUSTER;
    long l1Table = 3L * CLUSTER;

    ByteBuffer header = ByteBuffer.allocate(CLUSTER);
    header.putInt(0x514649fb).putInt(3);                    // magic "QFI\xfb", version 3
    int extensionsEnd = HEADER_LENGTH + 8 + pad8(format.length) + 8;
    header.putLong(extensionsEnd).putInt(name.length);       // backing file name offset and length
    header.putInt(CLUSTER_BITS).putLong(size).putInt(0);     // cluster bits, virtual size, no encryption
    header.putInt((int) l1Size).putLong(l1Table);
    header.putLong(refcountTable).putInt(1);                 // refcount table offset, clusters
    header.putInt(0).putLong(0);                             // no snapshots
    header.putLong(0).putLong(0).putLong(0);                 // incompatible, compatible, autoclear features
    header.putInt(4).putInt(HEADER_LENGTH);                  // 16-bit refcounts, header length
    header.position(HEADER_LENGTH);                          // compression type zlib (0) and padding
    header.putInt(BACKING_FORMAT_EXTENSION).putInt(format.length).put(format);
    header.position(HEADER_LENGTH + 8 + pad8(format.length));
    header.putInt(0).putInt(0);                              // end of header extensions
    header.put(name);
    if (header.position() > CLUSTER) throw new IOException("backing file name too long");

    ByteBuffer table = ByteBuffer.allocate(8).putLong(0, refcountBlock);
    ByteBuffer block = ByteBuffer.allocate(8);
    for (int cluster = 0; cluster < 4; cluster++) block.putShort((short) 1); // header, table, block, L1 in use

    Files.createDirectories(overlay.getParent());
    try (FileChannel ch = FileChannel.open(overlay, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      writeFully(ch, header.position(0).limit(header.capacity()), 0);
      writeFully(ch, table.position(0), refcountTable);
      writeFully(ch, block.position(0), refcountBlock);
      writeFully(ch, ByteBuffer.allocate((int) l1Size * 8), l1Table);
      ch.force(true);
    }
  }

  private static long virtualSize(Path backing, String format) throws IOException {
    if (!"qcow2".equals(format)) return Files.size(backing);
    try (FileChannel ch = FileChannel.open(backing, StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.allocate(8);
      ch.read(b, 24);
      return b.getLong(0);
    }
  }

  private static int pad8(int n) {
    return (n + 7) & ~7;
  }

  private static void writeFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
    long pos = at;
    while (b.hasRemaining()) pos += ch.write(b, pos);
  }
}
