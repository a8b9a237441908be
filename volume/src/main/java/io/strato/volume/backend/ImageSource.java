package io.strato.volume.backend;

import io.strato.common.auth.Credentials;
import io.strato.common.http.ApiException;
import io.strato.common.http.ClientPolicy;
import io.strato.common.logging.RequestContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.FileProps;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * The image service (Glance v2 API), called with the caller's token as cinder-volume does: looks an image up before a
 * from-image volume is accepted, and streams its bits into a volume file (never held in memory: the HTTP response is
 * piped into an async file, with back-pressure). Both have the {@code http.client.*} timeouts and retry a 5xx, a refused
 * connection or a stall with a back-off; the lookup a caller waits on is bounded by {@code http.client.timeout.ms} in
 * all, then answers 503, and a download that keeps failing puts the volume in {@code error}.
 */
public final class ImageSource {
  /** Glance fields that say nothing about the image's contents; the rest is copied to {@code volume_image_metadata}. */
  private static final Set<String> NOT_COPIED = Set.of("id", "name", "status", "visibility", "file", "self", "schema",
      "owner", "tags", "created_at", "updated_at", "protected", "os_hidden", "os_hash_algo", "os_hash_value",
      "virtual_size", "locations", "direct_url", "stores");
  private final Vertx vertx;
  private final WebClient client;
  private final HttpClient http;
  private final String baseUrl;
  private final ClientPolicy policy;

  public ImageSource(Vertx vertx, String baseUrl, ClientPolicy policy) {
    this.vertx = vertx;
    this.baseUrl = baseUrl;
    this.policy = policy;
    this.client = WebClient.create(vertx, policy.clientOptions().setIdleTimeout(10), policy.poolOptions());
    this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(
        (int) policy.connectTimeoutMs()), policy.poolOptions());
  }

  private static boolean retryable(Throwable e) {
    return e instanceof ApiException a ? a.status() == 503 : ClientPolicy.transportFailure(e);
  }

  /** The image, if the caller may see it and it is {@code active}; 400 otherwise, 503 when Glance cannot answer. */
  public Future<JsonObject> activeImage(String imageId, Credentials caller) {
    ClientPolicy lookup = policy.withDeadline(policy.timeoutMs());
    String what = "GET image " + imageId;
    return lookup.run(vertx, timeout -> lookup.bound(client.getAbs(baseUrl + "/v2/images/" + imageId), timeout)
            .putHeaders(RequestContext.propagate(caller.headers())).send().map(resp -> {
              if (resp.statusCode() >= 500) {
                throw new ApiException(503, "The image service answered " + resp.statusCode() + " for image "
                    + imageId + (lookup.attempts() > 1 ? " (up to " + lookup.attempts() + " attempts)" : ""));
              }
              return resp;
            }), ImageSource::retryable)
        .recover(e -> Future.failedFuture(e instanceof ApiException ? e
            : new ApiException(503, "The " + lookup.describe("image", what, e).substring(4))))
        .map(resp -> {
          if (resp.statusCode() == 404 || resp.statusCode() == 403) {
            throw ApiException.badRequest("Invalid image identifier or unable to access requested image.");
          }
          if (resp.statusCode() != 200) {
            throw new ApiException(503, "The image service answered " + resp.statusCode() + " for image " + imageId);
          }
          JsonObject image = resp.bodyAsJsonObject();
          if (!"active".equals(image.getString("status"))) {
            throw ApiException.badRequest("Invalid input received: Image " + imageId + " is not active.");
          }
          return image;
        });
  }

  /**
   * Streams the image's bits into {@code target} (created or truncated); answers how many bytes were written. A
   * download that stalls for {@code http.client.timeout.ms}, breaks or gets a 5xx starts again from the beginning.
   */
  public Future<Long> download(String imageId, Credentials caller, Path target) {
    String what = "download image " + imageId;
    return policy.run(vertx, timeout -> downloadOnce(imageId, caller, target, timeout), ClientPolicy::transportFailure)
        .recover(e -> Future.failedFuture(e instanceof TimeoutException
            ? new IOException(policy.describe("image", what, e), e) : e))
        .compose(v -> vertx.fileSystem().props(target.toString()))
        .map(FileProps::size);
  }

  private Future<Void> downloadOnce(String imageId, Credentials caller, Path target, long timeout) {
    OpenOptions options = new OpenOptions().setWrite(true).setCreate(true).setTruncateExisting(true);
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET)
        .setAbsoluteURI(baseUrl + "/v2/images/" + imageId + "/file").setHeaders(RequestContext.propagate(caller.headers()))
        .setConnectTimeout(timeout).setIdleTimeout(timeout);
    return vertx.fileSystem().open(target.toString(), options)
        .compose(file -> http.request(request).compose(HttpClientRequest::send).compose(resp -> {
          if (resp.statusCode() != 200) {
            file.close();
            String answer = "the image service answered " + resp.statusCode() + " to the download of image " + imageId;
            // A 5xx is worth another attempt (an IOException is a transport failure); a 4xx is not.
            return resp.body().transform(ar -> Future.failedFuture(resp.statusCode() >= 500 ? new IOException(answer)
                : new IllegalStateException(answer)));
          }
          return resp.pipeTo(file);
        }).recover(e -> file.close().transform(closed -> Future.<Void>failedFuture(e))));
  }

  /** What a from-image volume keeps of its image: Cinder's {@code volume_image_metadata}, every value a string. */
  public static JsonObject metadataOf(JsonObject image) {
    JsonObject out = new JsonObject().put("image_id", image.getString("id")).put("image_name", image.getString("name"));
    for (String key : image.fieldNames()) {
      Object value = image.getValue(key);
      if (value != null && !NOT_COPIED.contains(key)) out.put(key, String.valueOf(value));
    }
    return out;
  }
}
