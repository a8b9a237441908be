package io.strato.agent;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;

/**
 * Root disks as qcow2 overlays on the cached image, written on a worker thread ({@link Qcow2Overlay}: no
 * {@code qemu-img} process per boot).
 */
final class DiskImages {
  private DiskImages() {}

  static Future<Path> overlay(Vertx vertx, Path base, String baseFormat, Path overlay, int sizeGb) {
    String format = baseFormat == null || baseFormat.isBlank() ? "raw" : baseFormat;
    return vertx.executeBlocking(() -> {
      Qcow2Overlay.create(overlay, base, format, sizeGb * 1024L * 1024L * 1024L);
      return overlay;
    });
  }
}
