package io.strato.common.disk;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code qemu-img info --output=json} on one file under {@code prlimit} (address space and CPU time, as oslo's
 * {@code processutils} does for Nova and Glance) and a wall-clock limit. The format is probed, never given, and
 * {@code -U} (force share) lets it read an image a running guest uses as its backing file. The report goes to a
 * temporary file, so a process that hangs cannot hang the reader. Blocks: call it on a worker thread.
 */
final class QemuImgInfo {
  /** More than any real {@code qemu-img info} document; a bigger one is refused rather than read. */
  private static final long MAX_REPORT_BYTES = 1 << 20;

  private QemuImgInfo() {}

  /**
   * The parsed report; {@link DiskRefusedException} when {@code qemu-img} cannot read the file as a disk image or
   * exceeds a limit; {@link IOException} when the tools cannot run at all (this host's fault, not the image's).
   */
  static JsonObject run(Path file, InspectionLimits limits) throws IOException {
    List<String> command = List.of("prlimit", "--as=" + limits.addressSpaceBytes(), "--cpu=" + limits.cpuSeconds(),
        "qemu-img", "info", "-U", "--output=json", file.toAbsolutePath().toString());
    Path report = Files.createTempFile("strato-qemu-img-info", ".json");
    try {
      Process p = new ProcessBuilder(command).redirectOutput(report.toFile())
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      if (!waitFor(p, limits.wallClockSeconds())) {
        p.destroyForcibly();
        throw new DiskRefusedException("Image format inspection failed: it did not finish within "
            + limits.wallClockSeconds() + " seconds.");
      }
      int exit = p.exitValue();
      if (exit == 127) throw new IOException("prlimit or qemu-img is not installed: " + String.join(" ", command));
      if (exit > 128) {
        throw new DiskRefusedException("Image format inspection failed: it exceeded its memory or CPU-time limit.");
      }
      if (exit != 0) throw new DiskRefusedException("Image format inspection failed: the data is not a disk image.");
      if (Files.size(report) > MAX_REPORT_BYTES) {
        throw new DiskRefusedException("Image format inspection failed: the report is too large.");
      }
      return new JsonObject(Files.readString(report, StandardCharsets.UTF_8));
    } catch (DecodeException e) {
      throw new DiskRefusedException("Image format inspection failed: unreadable report.");
    } finally {
      Files.deleteIfExists(report);
    }
  }

  private static boolean waitFor(Process p, long seconds) throws IOException {
    try {
      return p.waitFor(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted while inspecting a disk image", e);
    }
  }
}
