package io.strato.gateway.images;

import io.strato.common.http.ApiException;
import io.strato.gateway.references.ServiceLookup;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Looks an image up in the image service (Glance v2 API) with the caller's token, as nova-api does before
 * accepting a boot: the image must exist, be visible to the caller and be {@code active}. An image service that
 * fails or does not answer is a 503 ({@link ServiceLookup}).
 */
public final class ImageLookup {
  private final ServiceLookup images;

  public ImageLookup(ServiceLookup images) {
    this.images = images;
  }

  public Future<JsonObject> activeImage(String imageId, String token) {
    return images.get("/v2/images/" + imageId, token, null).map(image -> {
      if (image == null) throw ApiException.badRequest("Image " + imageId + " could not be found.");
      if (!"active".equals(image.getString("status"))) {
        throw ApiException.badRequest("Image " + imageId + " is not active.");
      }
      return image;
    });
  }
}
