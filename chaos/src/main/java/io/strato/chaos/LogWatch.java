package io.strato.chaos;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Counts the lines of a service's log that contain a text, as the service writes them: each look reads only what was
 * appended since the last one (a line not yet ended waits for the next look), so waiting on a long log stays cheap.
 * A restarted service appends to the same log.
 */
final class LogWatch {
  private final Path file;
  private final String text;
  private long position;
  private String partial = "";
  private int seen;

  LogWatch(Path file, String text) {
    this.file = file;
    this.text = text;
  }

  /** How many lines of the log (read from its start) contain the text so far. */
  int seen() {
    if (!Files.exists(file)) return seen;
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long length = in.length();
      if (length <= position) return seen;
      byte[] bytes = new byte[(int) Math.min(length - position, 8 << 20)];
      in.seek(position);
      in.readFully(bytes);
      position += bytes.length;
      String chunk = partial + new String(bytes, StandardCharsets.UTF_8);
      int lastNewline = chunk.lastIndexOf('\n');
      partial = chunk.substring(lastNewline + 1);
      for (String line : chunk.substring(0, lastNewline + 1).split("\n")) {
        if (line.contains(text)) seen++;
      }
      return seen;
    } catch (IOException e) {
      return seen;
    }
  }
}
