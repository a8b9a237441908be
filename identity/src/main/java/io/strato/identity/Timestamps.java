package io.strato.identity;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Keystone's timestamp format: {@code 2015-11-05T22:00:11.000000Z}. */
final class Timestamps {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private Timestamps() {}

  static String iso(Instant instant) {
    return FORMAT.format(instant);
  }

  static String iso(long millis) {
    return iso(Instant.ofEpochMilli(millis));
  }
}
