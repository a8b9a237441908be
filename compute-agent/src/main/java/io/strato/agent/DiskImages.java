package io.strato.agent;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Root disks as qcow2 overlays on the cached image ({@code qemu-img create -b}), made on a worker thread. */
final class DiskImages {
  private DiskImages() {}

  static Future<Path> overlay(Vertx vertx, Path base, String baseFormat, Path overlay, int sizeGb) {
    return vertx.executeBlocking(() -> {
      Files.createDirectories(overlay.getParent());
      List<String> cmd = new ArrayList<>(List.of("qemu-img", "create", "-q", "-f", "qcow2", "-F",
          baseFormat == null || baseFormat.isBlank() ? "raw" : baseFormat, "-b", base.toString(),
          overlay.toString()));
      if (sizeGb > 0) cmd.add(sizeGb + "G");
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("qemu-img could not create the root disk: " + out.trim());
      }
      return overlay;
    });
  }
}
