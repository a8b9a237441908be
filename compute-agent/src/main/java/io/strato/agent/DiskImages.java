package io.strato.agent;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;

/**
 * Root disks as qcow2 overlays on the cached image, written on a worker thread ({@link Qcow2Overlay}: no
 * {@code qemu-img} process per boot). The overlay names the cache's own file as its backing file, with the format
 * inspection found in it ({@link ImageCache.Cached}), never the format a tenant or Glance claimed: QEMU opens only
 * that file, as that format.
 */
public final class DiskImages {
  private DiskImages() {}

  /** {@code sizeGb} 0 means the base image's virtual size. */
  public static Future<Path> overlay(Vertx vertx, ImageCache.Cached base, Path overlay, int sizeGb) {
    long size = sizeGb > 0 ? sizeGb * 1024L * 1024L * 1024L : base.disk().virtualSize();
    return vertx.executeBlocking(() -> {
      Qcow2Overlay.create(overlay, base.path(), base.disk().format(), size);
      return overlay;
    });
  }
}
