package io.strato.common.lifecycle;

/** Nova's {@code power_state} of an instance, as stored and shown ({@code OS-EXT-STS:power_state}): an integer. */
public enum PowerState {
  NOSTATE(0),
  RUNNING(1),
  PAUSED(3),
  SHUTDOWN(4),
  CRASHED(6),
  SUSPENDED(7);

  private final int code;

  PowerState(int code) {
    this.code = code;
  }

  /** The number on the wire and in the database. */
  public int code() {
    return code;
  }

  /** The state numbered {@code code}; {@link IllegalArgumentException} for a number Nova does not have. */
  public static PowerState of(int code) {
    for (PowerState s : values()) {
      if (s.code == code) return s;
    }
    throw new IllegalArgumentException("unknown power_state " + code);
  }
}
