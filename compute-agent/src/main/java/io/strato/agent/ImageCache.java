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

  public ImageCache(Vertx vertx, ImageClient images, Path dir, DiskInspector inspector) {
    this.vertx = vertx;
    this.images = images;
    this.dir = dir;
    this.inspector = inspector;
  }

  /**
   * The local, inspected copy of the image described by {@code image} (Glance's JSON, as {@code projectId} sees it),
   * downloading it for that project if needed.
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
        .recover(e -> Future.failedFuture(e instanceof DiskRefusedException
            ? new DiskRefusedException("Image " + image.getString("id") + " is unacceptable: " + e.getMessage())
            : e));
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
