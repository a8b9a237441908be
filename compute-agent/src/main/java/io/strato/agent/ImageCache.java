package io.strato.agent;

import io.strato.agent.clients.ImageClient;
import io.strato.common.disk.DiskInfo;
import io.strato.common.disk.DiskInspector;
import io.strato.common.disk.DiskRefusedException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Images cached on this hypervisor by checksum: downloaded once however many boots ask at the same time (they
 * share one Future), verified against Glance's md5 before use, and kept for the next boot. Neither Glance nor the
 * tenant is trusted with what the bits are: before a cached file is used it is inspected ({@link DiskInspector}) as
 * the image's declared {@code disk_format}, and the format found is the one handed on (to the overlay, the domain).
 * An image that is not what it claims, or names a backing or data file, fails with {@link DiskRefusedException}
 * (Nova's "Image ... is unacceptable"). Inspections are remembered per checksum and declared format.
 *
 * <p>The image service is asked only on a miss: what it answered about an image as a project sees it (id, checksum,
 * format) is remembered, so a later boot of that image for that project on this agent finds the file by checksum
 * without any call. NOTE: the assignment carries the image's checksum too, but an assignment is not trusted with
 * which bits a project may boot (a partition holds every host's orders): only the image service's own answer for the
 * project is, as the agent's calls on behalf of a project are elsewhere. So the first boot of an image per project and
 * agent process still reads its metadata once.
 */
public final class ImageCache {
  /** A cached image file and what inspection found in it. */
  public record Cached(Path path, DiskInfo disk) {}

  private final Vertx vertx;
  private final ImageClient images;
  private final Path dir;
  private final DiskInspector inspector;
  private final Map<String, Future<Path>> inFlight = new ConcurrentHashMap<>();
  private final Map<String, Future<DiskInfo>> inspected = new ConcurrentHashMap<>();
  /** The image service's answer per "project image", for the images of this cache. */
  private final Map<String, JsonObject> shown = new ConcurrentHashMap<>();

  public ImageCache(Vertx vertx, ImageClient images, Path dir, DiskInspector inspector) {
    this.vertx = vertx;
    this.images = images;
    this.dir = dir;
    this.inspector = inspector;
  }

  /**
   * The local, inspected copy of image {@code imageId} as {@code projectId} may boot it: no call to the image service
   * when this project was shown the image before and its file is here; otherwise its metadata is read (and the
   * bits downloaded) for that project. Fails as the image service does for an image the project cannot see.
   */
  public Future<Cached> fetch(String projectId, String imageId) {
    String view = projectId + " " + imageId;
    JsonObject known = shown.get(view);
    if (known != null) return fetch(projectId, known);
    return images.image(projectId, imageId).compose(image -> fetch(projectId, image));
  }

  /**
   * The local, inspected copy of the image described by {@code image} (Glance's JSON, as {@code projectId} sees it),
   * downloading it for that project if needed. {@code image} must be the image service's own answer to that project:
   * it is remembered as what the project may boot.
   */
  public Future<Cached> fetch(String projectId, JsonObject image) {
    String checksum = image.getString("checksum");
    if (checksum == null || !checksum.matches("[0-9a-f]{32}")) {
      return Future.failedFuture(new IllegalStateException("image " + image.getString("id") + " has no checksum"));
    }
    Path target = dir.resolve(checksum);
    String format = image.getString("disk_format");
    return inFlight.computeIfAbsent(checksum, k -> vertx.fileSystem().exists(target.toString())
            .compose(exists -> exists ? Future.succeededFuture(target) : download(projectId, image, target))
            .onComplete(ar -> {
              if (ar.failed()) inFlight.remove(checksum);
            }))
        .compose(path -> inspected.computeIfAbsent(checksum + " " + format, k -> inspector.inspect(path, format)
                .onComplete(ar -> {
                  if (ar.failed()) inspected.remove(k);
                }))
            .map(disk -> new Cached(path, disk)))
        .onSuccess(c -> remember(projectId, image))
        .recover(e -> Future.failedFuture(e instanceof DiskRefusedException
            ? new DiskRefusedException("Image " + image.getString("id") + " is unacceptable: " + e.getMessage())
            : e));
  }

  private void remember(String projectId, JsonObject image) {
    if (shown.size() > 10_000) shown.clear(); // bounded: an agent with more views just asks again
    shown.putIfAbsent(projectId + " " + image.getString("id"), new JsonObject().put("id", image.getString("id"))
        .put("checksum", image.getString("checksum")).put("disk_format", image.getString("disk_format")));
  }

  private Future<Path> download(String projectId, JsonObject image, Path target) {
    Path part = dir.resolve(image.getString("checksum") + ".part-" + System.nanoTime());
    return vertx.fileSystem().mkdirs(dir.toString())
        .compose(v -> images.download(projectId, image.getString("id"), part))
        .compose(v -> vertx.executeBlocking(() -> {
          String md5 = md5(part);
          if (!md5.equals(image.getString("checksum"))) {
            Files.deleteIfExists(part);
            throw new IllegalStateException("image " + image.getString("id") + " downloaded with md5 " + md5
                + ", expected " + image.getString("checksum"));
          }
          Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
          return target;
        }))
        .onFailure(e -> vertx.fileSystem().delete(part.toString()));
  }

  static String md5(Path file) throws Exception {
    MessageDigest d = MessageDigest.getInstance("MD5");
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) d.update(buf, 0, n);
    }
    return HexFormat.of().formatHex(d.digest());
  }
}
