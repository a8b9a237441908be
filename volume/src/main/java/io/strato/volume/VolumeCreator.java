package io.strato.volume;

import io.strato.common.disk.DiskInspector;
import io.strato.common.http.ApiException;
import io.strato.volume.backend.FileBackend;
import io.strato.common.auth.Credentials;
import io.strato.volume.backend.ImageSource;
import io.strato.volume.snapshots.SnapshotStatus;
import io.strato.volume.snapshots.Snapshots;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /volumes}: checks the image (when there is one) and the quota, inserts the volume as {@code creating}
 * and answers; the file is then made in the background ({@code creating -> available}, or {@code error} with the file
 * removed). A from-image volume copies the image's bits, becomes bootable and keeps the image's metadata. The image
 * service is not trusted with what those bits are: the copy is inspected ({@link DiskInspector}) before it is
 * grown or attached, and one that is not its {@code disk_format} or names a backing or data file ends in
 * {@code error}. A volume from a snapshot ({@code snapshot_id}, its project's and {@code available}) is at least the
 * snapshot's size (its size when none is given), in its source volume's format, and is bootable with the source's
 * image metadata when the source was.
 */
final class VolumeCreator {
  private static final Logger LOG = LoggerFactory.getLogger(VolumeCreator.class);
  /** Image formats the file backend can hold as they are. */
  private static final Set<String> COPYABLE = Set.of("raw", "qcow2", "iso");
  private final Volumes volumes;
  private final FileBackend backend;
  private final ImageSource images;
  private final String availabilityZone;
  private final DiskInspector inspector;
  private final Snapshots snapshots;

  VolumeCreator(Volumes volumes, FileBackend backend, ImageSource images, String availabilityZone,
      DiskInspector inspector, Snapshots snapshots) {
    this.snapshots = snapshots;
    this.volumes = volumes;
    this.backend = backend;
    this.images = images;
    this.availabilityZone = availabilityZone;
    this.inspector = inspector;
  }

  /** Accepts the volume (answering with it, {@code creating}) and starts making its file. */
  Future<Volume> create(JsonObject body, Scope scope) {
    VolumeRequest req = VolumeRequest.parse(body, availabilityZone);
    if (req.snapshotId() != null) return fromSnapshot(req, scope);
    Future<JsonObject> image = req.imageRef() == null ? Future.succeededFuture()
        : images.activeImage(req.imageRef(), scope.credentials()).map(i -> fits(i, req));
    return image.compose(i -> volumes.insert(UUID.randomUUID().toString(), req, scope.projectId(),
            scope.token().userId(), req.availabilityZone(), i == null ? backend.blankFormat() : formatOf(i))
        .onSuccess(v -> populate(v, i, scope.credentials())));
  }

  private Future<Volume> fromSnapshot(VolumeRequest asked, Scope scope) {
    return snapshots.find(asked.snapshotId(), scope).compose(s -> {
      if (s.status() != SnapshotStatus.AVAILABLE) throw Volumes.invalidSnapshot();
      if (asked.size() != 0 && asked.size() < s.size()) {
        throw ApiException.badRequest("Invalid input received: Volume size '" + asked.size() + "'GB cannot be smaller"
            + " than the snapshot size " + s.size() + "GB. They must be >= original snapshot size.");
      }
      VolumeRequest req = asked.withSize(asked.size() == 0 ? s.size() : asked.size());
      return volumes.get(s.volumeId()).compose(source -> volumes.insert(UUID.randomUUID().toString(), req,
              s.projectId(), scope.token().userId(), req.availabilityZone(), source.format())
          .onSuccess(v -> populate(v, backend.createFromSnapshot(s.id(), s.format(), v.id(), v.format(), v.size())
              .map(x -> source.bootable() ? source.imageMetadata() : null))));
    });
  }

  /** The image must fit: its bytes and its {@code min_disk} within the volume's size. */
  static JsonObject fits(JsonObject image, VolumeRequest req) {
    String format = image.getString("disk_format");
    if (format != null && !COPYABLE.contains(format)) {
      throw ApiException.badRequest("Invalid input received: image disk format " + format + " cannot be copied to a"
          + " volume by this backend (it takes " + COPYABLE + ").");
    }
    long bytes = image.getLong("size", 0L);
    long gb = (bytes + FileBackend.GIB - 1) / FileBackend.GIB;
    if (gb > req.size()) {
      throw ApiException.badRequest("Invalid input received: Size of specified image " + gb
          + "GB is larger than volume size " + req.size() + "GB.");
    }
    int minDisk = image.getInteger("min_disk", 0);
    if (minDisk > req.size()) {
      throw ApiException.badRequest("Invalid input received: Volume size " + req.size()
          + "GB cannot be smaller than the image minDisk size " + minDisk + "GB.");
    }
    return image;
  }

  private static String formatOf(JsonObject image) {
    return "qcow2".equals(image.getString("disk_format")) ? "qcow2" : "raw";
  }

  private void populate(Volume v, JsonObject image, Credentials token) {
    populate(v, image == null
        ? backend.createBlank(v.id(), v.format(), v.size()).map(x -> null)
        : copy(v, image, token).map(x -> ImageSource.metadataOf(image)));
  }

  /** {@code creating -> available} once {@code made} (answering the image metadata to keep) is done, else error. */
  private void populate(Volume v, Future<JsonObject> made) {
    made.compose(metadata -> volumes.created(v.id(), metadata)).onSuccess(moved -> {
      if (!moved) LOG.warn("volume {} was no longer creating when its file was ready", v.id());
    }).onFailure(e -> {
      LOG.warn("volume {} could not be created: {}", v.id(), e.toString());
      backend.delete(v.id()).eventually(() -> volumes.failedCreate(v.id(), e.toString()));
    });
  }

  private Future<Void> copy(Volume v, JsonObject image, Credentials token) {
    long expected = image.getLong("size", -1L);
    return images.download(image.getString("id"), token, backend.pathOf(v.id())).compose(bytes -> {
      if (expected >= 0 && bytes != expected) {
        return Future.failedFuture(new IOException("image " + image.getString("id") + " is " + expected
            + " bytes but " + bytes + " were copied"));
      }
      return inspector.inspect(backend.pathOf(v.id()), image.getString("disk_format"))
          .compose(disk -> backend.grow(v.id(), v.format(), v.size()));
    });
  }
}
