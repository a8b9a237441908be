package io.strato.common.kafka;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * A consumed record that can never be processed, whatever is retried: it goes to {@code strato.dead-letters} and the
 * consumer goes on. Handlers parse and validate a record at the edge, through {@link #parsed} (every failure of the
 * reading is this), before any effect; after that, a failure is permanent only when it says so:
 * <ul>
 *   <li>permanent: this exception (the record does not parse or validate: not JSON, a wrong JSON type, a missing
 *       field, a non-UUID id, an unknown version), or PostgreSQL refuses the record's values (SQLSTATE class 22,
 *       data exception: a NUL byte, a value out of range; class 54, program limit exceeded: a value too long for an
 *       index);</li>
 *   <li>transient, retried with back-off for as long as it takes: everything else (PostgreSQL or a service down, a
 *       timeout, a lost connection, a serialization failure, and any other exception an effect throws).</li>
 * </ul>
 */
public final class PoisonRecord extends RuntimeException {

  public PoisonRecord(String reason) {
    super(reason, null, false, false);
  }

  public PoisonRecord(String reason, Throwable cause) {
    super(reason, cause, false, false);
  }

  /**
   * True when retrying cannot help: the record did not parse ({@link #parsed}) or PostgreSQL refused its values. An
   * {@link IllegalArgumentException} or the like thrown by an effect is transient, as anything not typed permanent.
   */
  public static boolean isPermanent(Throwable e) {
    if (e instanceof PoisonRecord) return true;
    if (e instanceof PgException pg && pg.getSqlState() != null) {
      return pg.getSqlState().startsWith("22") || pg.getSqlState().startsWith("54");
    }
    return false;
  }

  /** The record's value as a JSON object, or a {@link PoisonRecord} saying why it is not one (empty, not JSON). */
  public static JsonObject json(String value) {
    if (value == null) throw new PoisonRecord("the record has no value");
    try {
      return new JsonObject(value);
    } catch (DecodeException e) {
      throw new PoisonRecord("the record is not a JSON object: " + e.getMessage(), e);
    }
  }

  /** {@code value} as a UUID string, or an {@link IllegalArgumentException} naming {@code field} (for {@link #parsed}). */
  public static String uuid(String field, String value) {
    try {
      UUID.fromString(value);
      return value;
    } catch (RuntimeException e) {
      // Control characters (a NUL byte) are shown as '?': the reason becomes a fault PostgreSQL must accept.
      String shown = value == null ? "null" : "'" + value.replaceAll("\\p{Cntrl}", "?") + "'";
      throw new IllegalArgumentException(field + " " + shown + " is not a UUID");
    }
  }

  /**
   * Reads a message out of a record's content: whatever the reading or the message's validation throws (a missing
   * field's {@link NullPointerException} as much as a wrong value's {@link IllegalArgumentException}) comes from the
   * record itself, so it is a {@link PoisonRecord}. Handlers call this for parsing only, never around their effects.
   */
  public static <T> T parsed(Supplier<T> read) {
    try {
      return read.get();
    } catch (PoisonRecord e) {
      throw e;
    } catch (RuntimeException e) {
      throw new PoisonRecord("the record does not validate: " + e, e);
    }
  }

  /** What a dead letter says about {@code e}. */
  public static String reason(Throwable e) {
    if (e instanceof PoisonRecord) return e.getMessage();
    if (e instanceof PgException pg) return "PostgreSQL refused the record's values: " + pg.getErrorMessage();
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
