package io.strato.image;

import io.strato.common.auth.AuthHandler;
import io.strato.common.auth.Token;
import io.strato.common.disk.DiskInspector;
import io.strato.common.disk.DiskRefusedException;
import io.strato.common.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code PUT /v2/images/{id}/file} streams an upload to disk ({@code queued -> saving -> active}, {@code killed} when
 * the upload breaks or is too big; 409 unless queued); {@code GET} streams it back with {@code Content-MD5},
 * honouring a single {@code Range}. Uploaded data is untrusted: before the image becomes active it is inspected
 * ({@link DiskInspector}) and must really be its {@code disk_format}, naming no backing or data file; otherwise the
 * image is killed and the uploader gets Glance's 415 with the reason.
 */
final class ImageData {
  private static final Logger LOG = LoggerFactory.getLogger(ImageData.class);
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
  private final Vertx vertx;
  private final Images images;
  private final Path storeDir;
  private final long maxBytes;
  private final DiskInspector inspector;

  ImageData(Vertx vertx, Images images, Path storeDir, long maxBytes, DiskInspector inspector) {
    this.vertx = vertx;
    this.images = images;
    this.storeDir = storeDir;
    this.maxBytes = maxBytes;
    this.inspector = inspector;
  }

  Path pathOf(String id) {
    return storeDir.resolve(id);
  }

  void upload(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    String type = req.getHeader("Content-Type");
    if (type != null && !type.startsWith("application/octet-stream")) {
      throw new ApiException(415, "Content-Type must be application/octet-stream, not " + type);
    }
    req.pause();
    Token token = AuthHandler.token(ctx);
    String id = ctx.pathParam("id");
    images.owned(id, token, "upload_image")
        .map(ImageData::formatsSet)
        .compose(image -> images.transition(image.id(), "queued", "saving").map(moved -> {
          if (!moved) {
            throw ApiException.conflict("Image status transition from " + image.status() + " to saving is not allowed");
          }
          return image;
        }))
        .compose(image -> UploadSink.open(vertx, storeDir.resolve(image.id() + ".part"))
            .onSuccess(sink -> receive(ctx, image, sink)))
        .onFailure(e -> {
          // Refused before streaming: read and drop the body, so the connection stays usable for the next request.
          req.resume();
          ctx.fail(e);
        });
  }

  /** Glance refuses data for an image that does not say what format it is. */
  private static Image formatsSet(Image image) {
    List<String> missing = new ArrayList<>();
    if (image.diskFormat() == null) missing.add("disk_format");
    if (image.containerFormat() == null) missing.add("container_format");
    if (missing.isEmpty()) return image;
    throw ApiException.badRequest((missing.size() == 1 ? "Property " : "Properties ") + String.join(", ", missing)
        + " must be set prior to saving data.");
  }

  private void receive(RoutingContext ctx, Image image, UploadSink sink) {
    String id = image.id();
    Path part = storeDir.resolve(id + ".part");
    HttpServerRequest req = ctx.request();
    boolean[] failed = {false};
    req.handler(chunk -> {
      if (failed[0]) return;
      if (sink.write(chunk) > maxBytes) {
        failed[0] = true;
        kill(id, sink, "larger than image.max.bytes");
        ctx.fail(new ApiException(413, "Image exceeds the storage quota of " + maxBytes + " bytes."));
        return;
      }
      if (sink.saturated()) {
        req.pause();
        sink.whenDrained(req::resume);
      }
    });
    req.exceptionHandler(e -> {
      if (!failed[0]) {
        failed[0] = true;
        kill(id, sink, e.toString());
      }
    });
    req.endHandler(v -> {
      if (failed[0]) return;
      sink.finish()
          .compose(result -> inspector.inspect(part, image.diskFormat())
              .compose(disk -> vertx.fileSystem().move(part.toString(), pathOf(id).toString(),
                      new io.vertx.core.file.CopyOptions().setReplaceExisting(true))
                  .compose(moved -> images.activate(id, result.size(), disk.virtualSize(), result.md5(),
                      result.sha512()))))
          .onSuccess(activated -> {
            if (!activated) {
              // Deleted (or killed) while uploading: do not leave the bits behind.
              vertx.fileSystem().delete(pathOf(id).toString());
              ctx.fail(ApiException.conflict("Image " + id + " was deleted during the upload."));
            } else {
              ctx.response().setStatusCode(204).end();
            }
          })
          .onFailure(e -> {
            if (e instanceof DiskRefusedException refused) {
              // Answer once the image is killed, so the uploader never sees it still saving after the 415.
              kill(id, sink, "inspection: " + refused.getMessage())
                  .onComplete(killed -> ctx.fail(new ApiException(415, refused.getMessage())));
              return;
            }
            kill(id, null, e.toString());
            ctx.fail(e);
          });
    });
    req.resume();
  }

  /** A byte position of a Range header; one past what a long holds is past every file (not an error). */
  private static long position(String digits) {
    return digits.length() > 18 ? Long.MAX_VALUE : Long.parseLong(digits);
  }

  /** Removes the partial data and moves the image to {@code killed}; completes when both are done. */
  private Future<Void> kill(String id, UploadSink sink, String why) {
    LOG.warn("upload of image {} failed ({}); the image is killed", id, why);
    Future<Void> cleanup = sink == null ? Future.succeededFuture() : sink.abort();
    return cleanup.eventually(() -> images.transition(id, "saving", "killed")).mapEmpty();
  }

  void download(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    images.visible(ctx.pathParam("id"), token).onSuccess(image -> {
      if (image.status().equals("deactivated") && !token.isAdmin()) {
        ctx.fail(ApiException.forbidden("The requested image has been deactivated. Image data download is forbidden."));
        return;
      }
      // An admin still reads a deactivated image's data, as in Glance.
      if (!image.status().equals("active") && !image.status().equals("deactivated")) {
        ctx.response().setStatusCode(204).end();
        return;
      }
      long size = image.size();
      long start = 0;
      long end = size - 1;
      String range = ctx.request().getHeader("Range");
      if (range != null) {
        Matcher m = RANGE.matcher(range.trim());
        boolean ok = m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty());
        if (ok) {
          if (m.group(1).isEmpty()) {
            start = Math.max(0, size - position(m.group(2)));
          } else {
            start = position(m.group(1));
            if (!m.group(2).isEmpty()) end = Math.min(end, position(m.group(2)));
          }
          ok = start <= end && start < size;
        }
        if (!ok) {
          ctx.response().setStatusCode(416).putHeader("Content-Range", "bytes */" + size).end();
          return;
        }
        ctx.response().setStatusCode(206).putHeader("Content-Range", "bytes " + start + "-" + end + "/" + size);
      }
      ctx.response().putHeader("Content-Type", "application/octet-stream").putHeader("Content-MD5", image.checksum());
      ctx.response().sendFile(pathOf(image.id()).toString(), start, end - start + 1).onFailure(ctx::fail);
    }).onFailure(ctx::fail);
  }
}
