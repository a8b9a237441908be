package io.strato.gateway.images;

import io.strato.common.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/**
 * Looks an image up in the image service (Glance v2 API) with the caller's token, as nova-api does before
 * accepting a boot: the image must exist, be visible to the caller and be {@code active}.
 */
public final class ImageLookup {
  private final WebClient client;
  private final String baseUrl;

  public ImageLookup(Vertx vertx, String baseUrl) {
    this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(2000).setIdleTimeout(10));
    this.baseUrl = baseUrl;
  }

  public Future<JsonObject> activeImage(String imageId, String token) {
    return client.getAbs(baseUrl + "/v2/images/" + imageId).putHeader("X-Auth-Token", token).timeout(10_000).send()
        .recover(e -> Future.failedFuture(new ApiException(503, "The image service is unavailable: " + e.getMessage())))
        .map(resp -> {
          if (resp.statusCode() == 404) throw ApiException.badRequest("Image " + imageId + " could not be found.");
          if (resp.statusCode() != 200) {
            throw new ApiException(503, "The image service answered " + resp.statusCode() + " for image " + imageId);
          }
          JsonObject image = resp.bodyAsJsonObject();
          if (!"active".equals(image.getString("status"))) {
            throw ApiException.badRequest("Image " + imageId + " is not active.");
          }
          return image;
        });
  }
}
