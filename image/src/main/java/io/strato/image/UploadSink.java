package io.strato.image;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where an upload's bytes go: each chunk is written to a temporary file and fed to MD5 and SHA-512 on a worker
 * thread, in order (ordered {@code executeBlocking}), so neither disk I/O nor hashing touches the event loop and the
 * image is never held in memory. The caller pauses the request while too many chunks are pending.
 */
final class UploadSink {
  /** What the upload measured. */
  record Result(long size, String md5, String sha512) {}

  static final int MAX_PENDING = 16;
  private final Vertx vertx;
  private final Path file;
  private FileChannel channel;
  private MessageDigest md5;
  private MessageDigest sha512;
  private long size;
  private int pending;
  private Runnable onDrain;

  private UploadSink(Vertx vertx, Path file) {
    this.vertx = vertx;
    this.file = file;
  }

  static Future<UploadSink> open(Vertx vertx, Path file) {
    UploadSink sink = new UploadSink(vertx, file);
    return vertx.executeBlocking(() -> {
      Files.createDirectories(file.getParent());
      sink.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE);
      sink.md5 = digest("MD5");
      sink.sha512 = digest("SHA-512");
      return sink;
    });
  }

  /** Queues a chunk; answers the new total size (counted at once, so a size limit can cut the upload early). */
  long write(Buffer chunk) {
    size += chunk.length();
    pending++;
    byte[] bytes = chunk.getBytes();
    vertx.executeBlocking(() -> {
      md5.update(bytes);
      sha512.update(bytes);
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) channel.write(b);
      return null;
    }, true).onComplete(ar -> {
      pending--;
      if (onDrain != null && pending <= MAX_PENDING / 2) {
        Runnable r = onDrain;
        onDrain = null;
        r.run();
      }
    });
    return size;
  }

  boolean saturated() {
    return pending >= MAX_PENDING;
  }

  /** Runs {@code r} once half the pending chunks have been written. */
  void whenDrained(Runnable r) {
    onDrain = r;
  }

  /** After the last chunk: flushes, closes and answers size and checksums. */
  Future<Result> finish() {
    return vertx.executeBlocking(() -> {
      channel.force(true);
      channel.close();
      return new Result(size, HexFormat.of().formatHex(md5.digest()), HexFormat.of().formatHex(sha512.digest()));
    }, true);
  }

  /** Gives up: closes and deletes the partial file. */
  Future<Void> abort() {
    return vertx.executeBlocking(() -> {
      try {
        channel.close();
      } finally {
        Files.deleteIfExists(file);
      }
      return null;
    }, true);
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

}
