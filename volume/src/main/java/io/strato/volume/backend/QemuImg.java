package io.strato.volume.backend;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code qemu-img} command. Every method blocks (it runs a process): call it on a worker thread only.
 */
final class QemuImg {
  private static final long TIMEOUT_MINUTES = 10;

  private QemuImg() {}

  /** Is {@code qemu-img} on the PATH and working? */
  static boolean available() {
    try {
      run("--version");
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static void create(Path file, int sizeGb) throws IOException {
    run("create", "-q", "-f", "qcow2", file.toString(), sizeGb + "G");
  }

  /** Grows the virtual disk; refuses to shrink it (a smaller size fails). */
  static void resize(Path file, int sizeGb) throws IOException {
    run("resize", "-q", "-f", "qcow2", file.toString(), sizeGb + "G");
  }

  /**
   * Copies {@code source} into a new {@code target} of {@code targetFormat} (zeroes left out: a sparse or compact
   * file). {@code -U} reads a file a running guest may hold open (a snapshot of an in-use volume: crash-consistent).
   */
  static void convert(Path source, String sourceFormat, Path target, String targetFormat) throws IOException {
    run("convert", "-q", "-U", "-f", sourceFormat, "-O", targetFormat, source.toString(), target.toString());
  }

  private static String run(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add("qemu-img");
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + " timed out");
      }
      if (p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + output);
      }
      return output;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted while running qemu-img", e);
    }
  }
}
