package io.strato.gateway.servers;

import io.strato.common.http.ApiException;
import io.vertx.core.json.JsonObject;

/**
 * Nova's check that an image fits a flavor, at create and at rebuild: the image's {@code min_ram}, and its
 * {@code min_disk} and size against a root disk that is not 0 (0: sized by the image). 400 otherwise.
 */
public final class ImageFit {
  private ImageFit() {}

  public static void check(JsonObject image, int ramMb, int diskGb) {
    long minRam = image.getLong("min_ram", 0L);
    long minDisk = image.getLong("min_disk", 0L);
    long size = image.getLong("size", 0L);
    if (ramMb < minRam) throw ApiException.badRequest("Flavor's memory is too small for requested image.");
    if (diskGb > 0 && (diskGb < minDisk || size > diskGb * 1024L * 1024L * 1024L)) {
      throw ApiException.badRequest("Flavor's disk is too small for requested image.");
    }
  }
}
