package io.strato.gateway.images;

import io.strato.common.http.ApiException;
import io.strato.gateway.references.ServiceLookup;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Looks an image up in the image service (Glance v2 API) with the caller's token, as nova-api does before
 * accepting a boot: the image must exist, be visible to the caller and, to boot from, be {@code active}. An image
 * service that fails or does not answer is a 503 ({@link ServiceLookup}).
 *
 * <p>A short-lived cache per project: an active image is remembered for {@code compute.cache.ttl.ms} per image and per
 * caller's view of it (its project, and whether it is an admin, which is all the image service's visibility depends
 * on: owner, {@code public} or {@code community}, admin), so a storm of boots of one image (and of its kernel and
 * ramdisk) costs one call to the image service per project and period rather than one per boot. Look-ups of one view
 * that arrive while one is on its way share its answer, so a cold cache under a burst costs one call too. Only an
 * active image the caller may see is remembered: "not found" and an image still {@code queued}, {@code saving} or
 * {@code killed} are asked again every time, so a new or newly uploaded image is usable at once. NOTE: an image
 * deleted, made private or killed meanwhile may still be accepted for up to the TTL; its build then fails on the
 * agent, which fetches the image itself for the instance's project, and the server ends in ERROR, as in Nova when the
 * image goes away after the API accepted the boot (docs/pipeline.md says why a TTL rather than notifications).
 */
public final class ImageLookup {
  private final ServiceLookup images;
  private final long ttlNanos;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();
  private final Map<String, Future<JsonObject>> inFlight = new ConcurrentHashMap<>();

  private record Cached(JsonObject image, long expiresAt) {}

  public ImageLookup(ServiceLookup images) {
    this(images, 0);
  }

  /** {@code ttlMillis} 0: no cache (concurrent look-ups of one view still share one call). */
  public ImageLookup(ServiceLookup images, long ttlMillis) {
    this.images = images;
    this.ttlNanos = ttlMillis * 1_000_000L;
  }

  /** The image to boot from, as the caller's project sees it: 400 when it cannot see it or it is not active. */
  public Future<JsonObject> activeImage(String imageId, String token, String projectId, boolean admin) {
    return visibleImage(imageId, token, projectId, admin).map(image -> {
      if (image == null) throw ApiException.badRequest("Image " + imageId + " could not be found.");
      if (!active(image)) throw ApiException.badRequest("Image " + imageId + " is not active.");
      return image;
    });
  }

  /**
   * The image as the caller's project sees it, or null when it does not exist or the caller may not see it (the same
   * answer); from the cache when this view of it was read lately.
   */
  public Future<JsonObject> visibleImage(String imageId, String token, String projectId, boolean admin) {
    String key = imageId + (admin ? "|admin|" : "|") + projectId;
    Cached c = cache.get(key);
    if (c != null && c.expiresAt() - System.nanoTime() > 0) return Future.succeededFuture(c.image().copy());
    Future<JsonObject> shared = inFlight.get(key);
    if (shared == null) {
      Promise<JsonObject> mine = Promise.promise();
      shared = inFlight.putIfAbsent(key, mine.future());
      if (shared == null) {
        shared = mine.future();
        images.get("/v2/images/" + imageId, token, null).onComplete(ar -> {
          if (ar.succeeded() && ar.result() != null && active(ar.result()) && ttlNanos > 0) {
            if (cache.size() > 10_000) cache.clear(); // bounded: a cloud with more image views just reads more
            cache.put(key, new Cached(ar.result().copy(), System.nanoTime() + ttlNanos));
          }
          inFlight.remove(key, mine.future());
          if (ar.succeeded()) mine.complete(ar.result());
          else mine.fail(ar.cause());
        });
      }
    }
    return onCallersContext(shared).map(image -> image == null ? null : image.copy());
  }

  private static boolean active(JsonObject image) {
    return "active".equals(image.getString("status"));
  }

  /**
   * {@code shared} completed on the caller's own context: a look-up started by a request on another verticle's event
   * loop would otherwise run this caller's next steps there.
   */
  private static <T> Future<T> onCallersContext(Future<T> shared) {
    Context caller = Vertx.currentContext();
    if (caller == null) return shared;
    Promise<T> mine = Promise.promise();
    shared.onComplete(ar -> {
      if (Vertx.currentContext() == caller) {
        complete(mine, ar.succeeded(), ar.result(), ar.cause());
      } else {
        caller.runOnContext(v -> complete(mine, ar.succeeded(), ar.result(), ar.cause()));
      }
    });
    return mine.future();
  }

  private static <T> void complete(Promise<T> p, boolean ok, T result, Throwable cause) {
    if (ok) p.complete(result);
    else p.fail(cause);
  }
}
