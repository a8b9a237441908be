package io.strato.gateway.images;

import io.strato.common.http.ApiException;
import io.strato.gateway.references.ServiceLookup;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Looks an image up in the image service (Glance v2 API) with the caller's token, as nova-api does before
 * accepting a boot: the image must exist, be visible to the caller and be {@code active}. An image service that
 * fails or does not answer is a 503 ({@link ServiceLookup}).
 *
 * <p>An active image is remembered for {@code compute.cache.ttl.ms} per image and per caller's view of it (its project,
 * and whether it is an admin, which is all Glance's visibility depends on), so a storm of boots of one image costs
 * one call to the image service per project and period rather than one per boot. NOTE: an image deleted or
 * deactivated meanwhile may still be accepted for that long; its build then fails on the agent, which fetches the
 * image itself, and the server ends in ERROR, as in Nova when the image goes away after the API accepted the boot.
 */
public final class ImageLookup {
  private final ServiceLookup images;
  private final long ttlNanos;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(JsonObject image, long expiresAt) {}

  public ImageLookup(ServiceLookup images) {
    this(images, 0);
  }

  /** {@code ttlMillis} 0: no cache. */
  public ImageLookup(ServiceLookup images, long ttlMillis) {
    this.images = images;
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
    return images.get("/v2/images/" + imageId, token, null).map(image -> {
      if (image == null) throw ApiException.badRequest("Image " + imageId + " could not be found.");
      if (!"active".equals(image.getString("status"))) {
        throw ApiException.badRequest("Image " + imageId + " is not active.");
      }
      return image;
    });
  }
}
