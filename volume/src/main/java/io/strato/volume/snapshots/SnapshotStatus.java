package io.strato.volume.snapshots;

import java.util.Locale;

/**
 * A snapshot's life as Cinder shows it: {@code creating -> available | error}; {@code available | error ->
 * deleting}; {@code deleting -> error_deleting -> deleting}. Each move is a compare-and-set in {@link Snapshots}.
 */
public enum SnapshotStatus {
  CREATING, AVAILABLE, DELETING, ERROR, ERROR_DELETING;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static SnapshotStatus fromWire(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
