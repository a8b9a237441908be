package io.strato.gateway.images;

import io.strato.common.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Looks an image up in the image service (Glance v2 API) with the caller's token, as nova-api does before
 * accepting a boot: the image must exist, be visible to the caller and be {@code active}.
 *
 * <p>An active image is remembered for {@code compute.cache.ttl.ms} per image and per caller's view of it (its project,
 * and whether it is an admin, which is all Glance's visibility depends on), so a storm of boots of one image costs
 * one call to the image service per project and period rather than one per boot. NOTE: an image deleted or
 * deactivated meanwhile may still be accepted for that long; its build then fails on the agent, which fetches the
 * image itself, and the server ends in ERROR, as in Nova when the image goes away after the API accepted the boot.
 */
public final class ImageLookup {
  private final WebClient client;
  private final String baseUrl;
  private final long ttlNanos;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(JsonObject image, long expiresAt) {}

  public ImageLookup(Vertx vertx, String baseUrl) {
    this(vertx, baseUrl, 0);
  }

  /** {@code ttlMillis} 0: no cache. */
  public ImageLookup(Vertx vertx, String baseUrl, long ttlMillis) {
    this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(2000).setIdleTimeout(10));
    this.baseUrl = baseUrl;
    this.ttlNanos = ttlMillis * 1_000_000L;
  }

  /** The image as the caller's project sees it; from the cache when this view of it was read lately. */
  public Future<JsonObject> activeImage(String imageId, String token, String projectId, boolean admin) {
    String key = imageId + (admin ? "|admin|" : "|") + projectId;
    Cached c = cache.get(key);
    if (c != null && c.expiresAt() - System.nanoTime() > 0) return Future.succeededFuture(c.image().copy());
    return activeImage(imageId, token).onSuccess(image -> {
      if (ttlNanos <= 0) return;
      if (cache.size() > 10_000) cache.clear(); // bounded: a cloud with more image views just reads more
      cache.put(key, new Cached(image.copy(), System.nanoTime() + ttlNanos));
    });
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
