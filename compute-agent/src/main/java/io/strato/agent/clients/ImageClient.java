package io.strato.agent.clients;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.codec.BodyCodec;
import java.nio.file.Path;

/**
 * Glance v2, as the agent uses it: image metadata, and the bits streamed to a file, for the project that boots the
 * image (a private image of another project is "not found", as it is to that project).
 */
public final class ImageClient {
  private final Vertx vertx;
  private final ServiceSession session;

  public ImageClient(Vertx vertx, ServiceSession session) {
    this.vertx = vertx;
    this.session = session;
  }

  public Future<JsonObject> image(String projectId, String id) {
    return session.call("image", "GET image " + id, true, token -> {
      var url = session.endpoint("image");
      if (url.isEmpty()) return ServiceCall.unavailable("image");
      return session.request(HttpMethod.GET, url.get() + "/v2/images/" + id, token, projectId).send()
          .map(resp -> ServiceCall.expect(resp, "image " + id, 200).bodyAsJsonObject());
    });
  }

  /**
   * Streams the image's data into {@code target} (created or truncated), without holding it in memory; a download
   * that stalls or breaks is started again from the beginning.
   */
  public Future<Void> download(String projectId, String id, Path target) {
    return session.call("image", "download image " + id, true, token -> {
      var url = session.endpoint("image");
      if (url.isEmpty()) return ServiceCall.unavailable("image");
      return vertx.fileSystem().open(target.toString(), new OpenOptions().setCreate(true).setTruncateExisting(true)
          .setWrite(true)).compose(file -> session.request(HttpMethod.GET, url.get() + "/v2/images/" + id + "/file", token, projectId)
          .as(BodyCodec.pipe(file)).send()
          .map(resp -> {
            if (resp.statusCode() != 200) {
              throw new ServiceCall.ServiceException("downloading image " + id + ": HTTP " + resp.statusCode(),
                  resp.statusCode());
            }
            return null;
          }));
    });
  }

  /** The image's status as {@code projectId} sees it, or null when that project cannot see it (or it is gone). */
  public Future<String> status(String projectId, String id) {
    return session.call("image", "GET image " + id, true, token -> {
      var url = session.endpoint("image");
      if (url.isEmpty()) return ServiceCall.unavailable("image");
      return session.request(HttpMethod.GET, url.get() + "/v2/images/" + id, token, projectId).send()
          .map(resp -> resp.statusCode() == 404 ? null
              : ServiceCall.expect(resp, "image " + id, 200).bodyAsJsonObject().getString("status"));
    });
  }

  /**
   * Streams {@code file} as the data of the queued image {@code id} of {@code projectId} (a snapshot). Sent once: an
   * upload that broke leaves the image {@code saving} or {@code killed}, which a second try cannot mend.
   */
  public Future<Void> upload(String projectId, String id, Path file) {
    return session.call("image", "upload image " + id, false, token -> {
      var url = session.endpoint("image");
      if (url.isEmpty()) return ServiceCall.unavailable("image");
      return vertx.fileSystem().props(file.toString()).compose(props -> vertx.fileSystem().open(file.toString(),
              new OpenOptions().setRead(true).setWrite(false)).compose(data -> session.request(HttpMethod.PUT,
                  url.get() + "/v2/images/" + id + "/file", token, projectId)
              .putHeader("Content-Type", "application/octet-stream")
              .putHeader("Content-Length", String.valueOf(props.size())).sendStream(data)
              .eventually(() -> data.close())))
          .map(resp -> {
            ServiceCall.expect(resp, "upload image " + id, 204);
            return null;
          });
    });
  }

  /** Deletes the image (a snapshot that failed); an image already gone is fine. */
  public Future<Void> delete(String projectId, String id) {
    return session.call("image", "DELETE image " + id, true, token -> {
      var url = session.endpoint("image");
      if (url.isEmpty()) return ServiceCall.unavailable("image");
      return session.request(HttpMethod.DELETE, url.get() + "/v2/images/" + id, token, projectId).send()
          .map(resp -> {
            ServiceCall.expect(resp, "DELETE image " + id, 204, 404);
            return null;
          });
    });
  }
}
