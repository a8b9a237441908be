package io.strato.agent;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

/**
 * The root disk of a resized or migrated server on its destination: the source's qcow2 overlay copied (its backing
 * file, the source's cached image, stays where it is: both hosts are on this machine), then grown to the new flavor's
 * disk with {@code qemu-img resize} (a smaller disk is refused by the compute API). A server booted from a volume has
 * no such disk: nothing to copy. On a worker thread; the process is given {@code timeoutMs}.
 */
final class ResizedDisk {
  private ResizedDisk() {}

  static Future<Void> copy(Vertx vertx, Path from, Path to, int diskGb, long timeoutMs) {
    return vertx.executeBlocking(() -> {
      if (!Files.exists(from)) return null;
      Files.createDirectories(to.getParent());
      Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
      if (diskGb > 0 && virtualSize(to) < diskGb * 1024L * 1024L * 1024L) grow(to, diskGb, timeoutMs);
      return null;
    }, false);
  }

  /** The virtual size in a qcow2 header (bytes 24-31), or the file's size for a raw disk. */
  private static long virtualSize(Path disk) throws IOException {
    try (var ch = java.nio.channels.FileChannel.open(disk)) {
      var b = java.nio.ByteBuffer.allocate(32);
      ch.read(b, 0);
      return b.getInt(0) == 0x514649fb ? b.getLong(24) : Files.size(disk);
    }
  }

  private static void grow(Path disk, int diskGb, long timeoutMs) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("qemu-img", "resize", "-f", "qcow2", disk.toString(), diskGb + "G")
        .redirectErrorStream(true).start();
    if (!p.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new IOException("qemu-img resize did not finish within " + timeoutMs + " ms");
    }
    String out = new String(p.getInputStream().readAllBytes());
    if (p.exitValue() != 0) throw new IOException("qemu-img resize failed: " + out.strip());
  }
}
