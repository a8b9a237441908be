package io.strato.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Real disk image files for tests, made with {@code qemu-img} (installed by {@code ./strato test}) in a temporary
 * folder: good ones, and the hostile ones a tenant could upload (a qcow2 naming a host file as its backing file or
 * as its external data file).
 */
public final class TestDisks {
  private TestDisks() {}

  /** A qcow2 holding {@code rawBytes} seeded random bytes (a multiple of 512), as {@code qemu-img convert} makes. */
  public static byte[] qcow2(int rawBytes, long seed) {
    Path dir = tempDir();
    byte[] raw = new byte[rawBytes];
    new Random(seed).nextBytes(raw);
    try {
      Files.write(dir.resolve("raw"), raw);
      qemuImg("convert", "-q", "-f", "raw", "-O", "qcow2", dir.resolve("raw").toString(),
          dir.resolve("out").toString());
      return Files.readAllBytes(dir.resolve("out"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An empty qcow2 of 1 MiB whose backing file is {@code hostFile} (read as raw). */
  public static byte[] qcow2BackedBy(String hostFile) {
    Path out = tempDir().resolve("backed.qcow2");
    qemuImg("create", "-q", "-f", "qcow2", "-b", hostFile, "-F", "raw", out.toString(), "1M");
    return read(out);
  }

  /** An empty qcow2 of 1 MiB whose clusters live in an external data file (a scratch file on this host). */
  public static byte[] qcow2WithDataFile() {
    Path dir = tempDir();
    Path out = dir.resolve("datafile.qcow2");
    qemuImg("create", "-q", "-f", "qcow2", "-o", "data_file=" + dir.resolve("data.raw"), out.toString(), "1M");
    return read(out);
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("strato-test-disk");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void qemuImg(String... args) {
    List<String> command = new ArrayList<>(List.of("qemu-img"));
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
      }
    } catch (IOException e) {
      throw new IllegalStateException("qemu-img is needed by this test (./strato test installs it)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
