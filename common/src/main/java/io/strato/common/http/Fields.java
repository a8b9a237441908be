package io.strato.common.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.regex.Pattern;

/** Typed reads of request fields that answer 400 with a message naming the field when the type is wrong. */
public final class Fields {
  private static final Pattern UUID_SHAPE =
      Pattern.compile("[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}");

  private Fields() {}

  /**
   * 400 unless every member of {@code o} is one of {@code allowed}: OpenStack's {@code additionalProperties: false}
   * (a field a client misspells is refused, not silently ignored), with Nova's message.
   */
  public static void onlyKnown(JsonObject o, String attribute, java.util.Set<String> allowed) {
    for (String key : o.fieldNames()) {
      if (!allowed.contains(key)) {
        throw ApiException.badRequest("Invalid input for field/attribute " + attribute + ". Value: " + key
            + ". Additional properties are not allowed ('" + key + "' was unexpected)");
      }
    }
  }

  public static String requiredString(JsonObject o, String field, int maxLength) {
    String s = optionalString(o, field, maxLength);
    if (s == null || s.isBlank()) throw ApiException.badRequest("'" + field + "' is a required property.");
    return s;
  }

  public static String optionalString(JsonObject o, String field, int maxLength) {
    Object v = o.getValue(field);
    if (v == null) return null;
    if (!(v instanceof String s)) throw ApiException.badRequest("Invalid input for field '" + field + "': "
        + v + " is not of type 'string'.");
    if (s.length() > maxLength) throw ApiException.badRequest("Invalid input for field '" + field
        + "': it is longer than " + maxLength + " characters.");
    return s;
  }

  public static Integer optionalInt(JsonObject o, String field, int min, int max) {
    Object v = o.getValue(field);
    if (v == null) return null;
    long n;
    if (v instanceof Number num && num.doubleValue() == Math.rint(num.doubleValue())) {
      // Through double: a number past a long (2^64) must not wrap around into the range.
      double d = num.doubleValue();
      n = d < min ? (long) min - 1 : d > max ? (long) max + 1 : num.longValue();
    } else if (v instanceof String s && s.matches("-?\\d{1,10}")) {
      n = Long.parseLong(s); // Nova accepts integers as strings too
    } else {
      throw ApiException.badRequest("Invalid input for field '" + field + "': " + v + " is not of type 'integer'.");
    }
    if (n < min || n > max) throw ApiException.badRequest("Invalid input for field '" + field + "': " + v
        + " is not between " + min + " and " + max + ".");
    return (int) n;
  }

  public static int requiredInt(JsonObject o, String field, int min, int max) {
    Integer n = optionalInt(o, field, min, max);
    if (n == null) throw ApiException.badRequest("'" + field + "' is a required property.");
    return n;
  }

  public static Boolean optionalBoolean(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (v == null) return null;
    if (v instanceof Boolean b) return b;
    if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(s);
    }
    throw ApiException.badRequest("Invalid input for field '" + field + "': " + v + " is not of type 'boolean'.");
  }

  public static JsonObject optionalObject(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (v == null) return null;
    if (v instanceof JsonObject j) return j;
    throw ApiException.badRequest("Invalid input for field '" + field + "': it is not of type 'object'.");
  }

  public static JsonArray optionalArray(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (v == null) return null;
    if (v instanceof JsonArray a) return a;
    throw ApiException.badRequest("Invalid input for field '" + field + "': it is not of type 'array'.");
  }

  /** A UUID in canonical form, or 400 naming the field. */
  public static String uuid(String value, String field) {
    if (value == null || !UUID_SHAPE.matcher(value).matches()) {
      throw ApiException.badRequest("Invalid input for field '" + field + "': '" + value + "' is not a 'uuid'.");
    }
    String hex = value.replace("-", "").toLowerCase();
    return UUID.fromString(hex.replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5")).toString();
  }

  public static boolean isUuid(String value) {
    return value != null && UUID_SHAPE.matcher(value).matches();
  }
}
