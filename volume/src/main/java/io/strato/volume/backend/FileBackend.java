package io.strato.volume.backend;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Volumes as files in one folder ({@code volume.store.dir}), named {@code volume-<id>} as Cinder's file drivers
 * name them: sparse raw files ({@link RandomAccessFile#setLength}) or qcow2 files made by {@code qemu-img}. A compute
 * agent attaches the file itself ({@link #connectionInfo}). Every file operation runs on a worker thread (or through
 * Vert.x's async file API); none blocks an event loop.
 */
public final class FileBackend {
  public static final long GIB = 1L << 30;
  private final Vertx vertx;
  private final Path dir;
  private final boolean qemuImg;
  private final String blankFormat;

  private FileBackend(Vertx vertx, Path dir, boolean qemuImg, String blankFormat) {
    this.vertx = vertx;
    this.dir = dir;
    this.qemuImg = qemuImg;
    this.blankFormat = blankFormat;
  }

  /**
   * Creates the folder and looks for {@code qemu-img}; {@code format} {@code auto} picks qcow2 when it is there.
   * Fails when {@code qcow2} is asked for without {@code qemu-img}.
   */
  public static Future<FileBackend> open(Vertx vertx, Path dir, String format) {
    return vertx.executeBlocking(() -> {
      Files.createDirectories(dir);
      boolean present = QemuImg.available();
      if (format.equals("qcow2") && !present) {
        throw new IllegalStateException("volume.format is qcow2 but qemu-img is not on the PATH");
      }
      String blank = format.equals("auto") ? (present ? "qcow2" : "raw") : format;
      return new FileBackend(vertx, dir, present, blank);
    }, false);
  }

  /** The format new blank volumes get. */
  public String blankFormat() {
    return blankFormat;
  }

  public Path pathOf(String volumeId) {
    return dir.resolve("volume-" + volumeId);
  }

  /** A blank volume of {@code sizeGb}: a sparse raw file, or an empty qcow2 image. */
  public Future<Void> createBlank(String volumeId, String format, int sizeGb) {
    Path file = pathOf(volumeId);
    return vertx.executeBlocking(() -> {
      if (format.equals("qcow2")) {
        QemuImg.create(file, sizeGb);
      } else {
        setLength(file, sizeGb * GIB);
      }
      return null;
    }, false);
  }

  /**
   * Grows a volume file to {@code newSizeGb} (extend, and fitting a copied image to its volume): a raw file grows
   * sparsely; a qcow2 one has its virtual size set when {@code qemu-img} is there, failing if that would shrink it.
   */
  public Future<Void> grow(String volumeId, String format, int newSizeGb) {
    Path file = pathOf(volumeId);
    return vertx.executeBlocking(() -> {
      if (format.equals("qcow2")) {
        if (qemuImg) QemuImg.resize(file, newSizeGb);
      } else if (Files.size(file) < newSizeGb * GIB) {
        setLength(file, newSizeGb * GIB);
      }
      return null;
    }, false);
  }

  /** Removes a volume's file; a missing file is already removed. */
  public Future<Void> delete(String volumeId) {
    return deleteFile(pathOf(volumeId));
  }

  public Path snapshotPathOf(String snapshotId) {
    return dir.resolve("snapshot-" + snapshotId);
  }

  /** How a snapshot of a {@code volumeFormat} volume is kept: a compact qcow2 file when {@code qemu-img} is there. */
  public String snapshotFormat(String volumeFormat) {
    return qemuImg ? "qcow2" : volumeFormat;
  }

  /**
   * Writes snapshot {@code snapshotId} of a volume: a full, independent copy of the volume's file as it is now, in
   * {@link #snapshotFormat} ({@code qemu-img convert}, or a plain copy without it), so that neither the volume's nor
   * the snapshot's later deletion touches the other.
   */
  public Future<Void> snapshot(String volumeId, String volumeFormat, String snapshotId) {
    Path source = pathOf(volumeId);
    Path target = snapshotPathOf(snapshotId);
    return vertx.executeBlocking(() -> {
      if (qemuImg) {
        QemuImg.convert(source, volumeFormat, target, snapshotFormat(volumeFormat));
      } else {
        Files.copy(source, target);
      }
      return null;
    }, false);
  }

  /** Makes volume {@code volumeId} ({@code format}, {@code sizeGb}) from a snapshot's file, then grows it to size. */
  public Future<Void> createFromSnapshot(String snapshotId, String snapshotFormat, String volumeId, String format,
      int sizeGb) {
    Path source = snapshotPathOf(snapshotId);
    Path target = pathOf(volumeId);
    return vertx.executeBlocking(() -> {
      if (qemuImg) {
        QemuImg.convert(source, snapshotFormat, target, format);
      } else {
        Files.copy(source, target);
      }
      return null;
    }, false).compose(v -> grow(volumeId, format, sizeGb));
  }

  /** Removes a snapshot's file; a missing file is already removed. */
  public Future<Void> deleteSnapshot(String snapshotId) {
    return deleteFile(snapshotPathOf(snapshotId));
  }

  private Future<Void> deleteFile(Path file) {
    return vertx.fileSystem().delete(file.toString()).recover(e -> {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      return cause instanceof NoSuchFileException ? Future.succeededFuture() : Future.failedFuture(e);
    });
  }

  /** What a compute agent needs to attach the volume: the file and its format. */
  public JsonObject connectionInfo(String volumeId, String format, String accessMode) {
    return new JsonObject().put("driver_volume_type", "file").put("data", new JsonObject()
        .put("device_path", pathOf(volumeId).toString()).put("format", format).put("volume_id", volumeId)
        .put("access_mode", accessMode));
  }

  private static void setLength(Path file, long bytes) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(bytes);
    }
  }
}
