package io.strato.chaos;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Looks for a line in a service's log as the service writes it: each look reads only what was appended since the
 * last one (keeping a line cut in half for the next look), so waiting on a long log stays cheap.
 */
final class LogWatch {
  private final Path file;
  private long position;
  private String partial = "";

  LogWatch(Path file) {
    this.file = file;
  }

  /** True when a line appended since the watch began (or the log itself, when new) contains {@code text}. */
  boolean contains(String text) {
    if (!Files.exists(file)) return false;
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long length = in.length();
      if (length < position) position = 0; // truncated or replaced
      if (length == position) return false;
      byte[] bytes = new byte[(int) Math.min(length - position, 8 << 20)];
      in.seek(position);
      in.readFully(bytes);
      position += bytes.length;
      String chunk = partial + new String(bytes, StandardCharsets.UTF_8);
      int lastNewline = chunk.lastIndexOf('\n');
      partial = lastNewline < 0 ? chunk : chunk.substring(lastNewline + 1);
      return chunk.contains(text);
    } catch (IOException e) {
      return false;
    }
  }
}
