package io.strato.common.disk;

import io.strato.common.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Flattens a disk and its backing chain into one self-contained qcow2 file ({@code qemu-img convert -O qcow2}), as
 * Nova's libvirt driver extracts a snapshot: run under {@code prlimit} with the inspection's address-space limit and
 * {@code disk.convert.cpu.seconds} of CPU time (twice that of wall clock), on the same named worker pool as
 * inspections ({@link DiskInspector}), never on an event loop. The source format is given, never probed.
 */
public final class DiskConverter {
  private final WorkerExecutor workers;
  private final long addressSpaceBytes;
  private final int cpuSeconds;

  public DiskConverter(Vertx vertx, Settings settings) {
    InspectionLimits limits = InspectionLimits.from(settings);
    this.workers = vertx.createSharedWorkerExecutor(DiskInspector.POOL, limits.workers());
    this.addressSpaceBytes = limits.addressSpaceBytes();
    this.cpuSeconds = settings.getInt("disk.convert.cpu.seconds");
  }

  /** Writes {@code source} ({@code sourceFormat}, with its backing files) to {@code target} as one qcow2 file. */
  public Future<Void> toQcow2(Path source, String sourceFormat, Path target) {
    return workers.executeBlocking(() -> {
      run(source, sourceFormat, target);
      return null;
    }, false);
  }

  private void run(Path source, String sourceFormat, Path target) throws IOException {
    Files.createDirectories(target.toAbsolutePath().getParent());
    List<String> command = List.of("prlimit", "--as=" + addressSpaceBytes, "--cpu=" + cpuSeconds, "qemu-img",
        "convert", "-q", "-f", sourceFormat, "-O", "qcow2", source.toAbsolutePath().toString(),
        target.toAbsolutePath().toString());
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.PIPE)
        .start();
    try {
      if (!p.waitFor(2L * cpuSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("qemu-img convert did not finish within " + 2L * cpuSeconds + " seconds");
      }
      String output = new String(p.getInputStream().readNBytes(4096), StandardCharsets.UTF_8).trim();
      if (p.exitValue() == 127) throw new IOException("prlimit or qemu-img is not installed");
      if (p.exitValue() != 0) {
        throw new IOException("qemu-img convert failed (exit " + p.exitValue() + "): " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted while converting a disk", e);
    } finally {
      if (p.isAlive()) p.destroyForcibly();
    }
  }
}
