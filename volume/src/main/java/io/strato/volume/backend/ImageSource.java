package io.strato.volume.backend;

import io.strato.common.auth.Credentials;
import io.strato.common.http.ApiException;
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
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * The image service (Glance v2 API), called with the caller's token as cinder-volume does: looks an image up before a
 * from-image volume is accepted, and streams its bits into a volume file (never held in memory: the HTTP response is
 * piped into an async file, with back-pressure).
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

  public ImageSource(Vertx vertx, String baseUrl) {
    this.vertx = vertx;
    this.baseUrl = baseUrl;
    this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(2000).setIdleTimeout(10));
    this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2000).setIdleTimeout(120));
  }

  /** The image, if the caller may see it and it is {@code active}; 400 otherwise, 503 when Glance cannot answer. */
  public Future<JsonObject> activeImage(String imageId, Credentials caller) {
    return client.getAbs(baseUrl + "/v2/images/" + imageId).putHeaders(caller.headers()).timeout(10_000).send()
        .recover(e -> Future.failedFuture(new ApiException(503, "The image service is unavailable: " + e.getMessage())))
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

  /** Streams the image's bits into {@code target} (created or truncated); answers how many bytes were written. */
  public Future<Long> download(String imageId, Credentials caller, Path target) {
    OpenOptions options = new OpenOptions().setWrite(true).setCreate(true).setTruncateExisting(true);
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET)
        .setAbsoluteURI(baseUrl + "/v2/images/" + imageId + "/file").setHeaders(caller.headers());
    return vertx.fileSystem().open(target.toString(), options)
        .compose(file -> http.request(request).compose(HttpClientRequest::send).compose(resp -> {
          if (resp.statusCode() != 200) {
            file.close();
            return resp.body().transform(ar -> Future.failedFuture(new IOException("the image service answered "
                + resp.statusCode() + " to the download of image " + imageId)));
          }
          return resp.pipeTo(file);
        }).recover(e -> file.close().transform(closed -> Future.<Void>failedFuture(e))))
        .compose(v -> vertx.fileSystem().props(target.toString()))
        .map(FileProps::size);
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
