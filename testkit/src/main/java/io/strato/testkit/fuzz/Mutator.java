package io.strato.testkit.fuzz;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Turns a valid call into a hostile one, deterministically from its {@link Random}: the body's values swapped for
 * values of another kind or hostile values of the same kind, fields deleted or added, the raw bytes broken, the
 * headers (token, content type, microversion) and query strings filled with junk, ids in the path replaced.
 */
final class Mutator {
  private static final List<Object> HOSTILE_STRINGS = List.of("", " ", "a\u0000b", "\u0000", "x".repeat(256),
      "y".repeat(5000), "\u202e\ud83d\udca9\u00e9", "' OR 1=1 --", "%s%n%x", "(((", "*", "../../etc/passwd",
      "\\", "null", "true", "-1", "1e999", "\ud800", "<script>", "None");
  private static final List<Object> HOSTILE_NUMBERS = List.of(-1, 0, 1.5, -0.0, 2147483648L, -2147483649L,
      Long.MAX_VALUE, new BigInteger("18446744073709551616"), new BigInteger("-99999999999999999999999"),
      1e308, 4.9e-324);
  private static final List<Object> OTHER_SCALARS = List.of("1", "x", 1, 7.25, true, false, "true");
  private static final List<String> QUERY_VALUES = List.of("", "-1", "0", "1.5", "99999999999999999999", "abc",
      "%00", "%FF", "%C3%28", "a%00b", "null", "x".repeat(300), UUID.randomUUID().toString(), "not-a-uuid",
      "%27%20OR%201%3D1", "(((", "true", "asc", "desc", "sideways", "name", "id", "created_at", "*", "%2F..%2F",
      "%zz", "%");
  private static final List<String> COMMON_QUERY_KEYS = List.of("limit", "marker", "sort_key", "sort_dir", "sort",
      "name", "id", "fields", "page_reverse");
  private static final List<String> CONTENT_TYPES = List.of("text/plain", "application/xml", "",
      "application/json; charset=latin1", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
      "application/octet-stream", "application/openstack-images-v2.1-json-patch", "\u00e9/\u00e9");
  private static final List<String> MICROVERSIONS = List.of("compute 2.999", "compute abc", "compute 2.", "volume 3.",
      "volume 9.9", "volume latest", "image 2.1", "1.1", "latest", "compute 2.1 compute 2.2", "", " ",
      "compute " + "9".repeat(30), "compute -2.1", "compute 2.-1", "volume 3.99999999999");
  private static final List<String> TOKENS = List.of("", "x", "null", "x".repeat(8000),
      "gAAAAA" + "A".repeat(200), "a.b.c", "eyJhbGciOiJub25lIn0.e30.", "%00");
  private static final List<String> IDS = List.of("not-a-uuid", "%00", "%FF", "a%00b", "%C3%28",
      "x".repeat(300), "..", "%2e%2e", UUID.randomUUID().toString(), "00000000-0000-0000-0000-000000000000",
      "1", "-1", "99999999999999999999", "%20", "%27", "*");

  private final Random random;

  Mutator(Random random) {
    this.random = random;
  }

  FuzzCase mutate(Operation op, String token, Map<String, String> baseHeaders) {
    Map<String, String> headers = new HashMap<>(baseHeaders);
    headers.put("X-Auth-Token", token);
    if (op.body() == null && op.method() != HttpMethod.GET) {
      if (random.nextBoolean()) return mutateHeaders(op, headers);
      return new FuzzCase(op, "path id", op.method(), replaceLastId(op.path()), headers, null, false);
    }
    if (op.body() == null) return mutateList(op, headers);
    headers.put("Content-Type", op.method() == HttpMethod.PATCH ? headers.getOrDefault("Content-Type",
        "application/json") : "application/json");
    int kind = random.nextInt(100);
    if (kind < 55) return mutateTree(op, headers);
    if (kind < 70) return mutateBytes(op, headers);
    if (kind < 85) return mutateHeaders(op, headers);
    return new FuzzCase(op, "path id", op.method(), replaceLastId(op.path()), headers, op.bodyBuffer(),
        false);
  }

  private FuzzCase mutateList(Operation op, Map<String, String> headers) {
    int kind = random.nextInt(100);
    if (kind < 20) {
      return new FuzzCase(op, "show id", HttpMethod.GET, op.path() + "/" + pick(IDS), headers, null, false);
    }
    if (kind < 30) {
      return new FuzzCase(op, "delete id", HttpMethod.DELETE, op.path() + "/" + pick(IDS), headers, null, false);
    }
    if (kind < 40) {
      FuzzCase c = mutateHeaders(op, headers);
      return new FuzzCase(op, c.mutation(), HttpMethod.GET, op.path(), c.headers(), null, c.mustRefuse());
    }
    List<String> keys = new ArrayList<>(op.queryKeys());
    keys.addAll(COMMON_QUERY_KEYS);
    StringBuilder query = new StringBuilder();
    int n = 1 + random.nextInt(3);
    for (int i = 0; i < n; i++) {
      query.append(i == 0 ? '?' : '&').append(pick(keys)).append('=').append(pick(QUERY_VALUES));
    }
    return new FuzzCase(op, "query", HttpMethod.GET, op.path() + query, headers, null, false);
  }

  private FuzzCase mutateHeaders(Operation op, Map<String, String> headers) {
    int kind = random.nextInt(3);
    Buffer body = op.body() == null ? null : op.bodyBuffer();
    if (kind == 0) {
      String token = pick(TOKENS);
      if (token.isEmpty()) headers.remove("X-Auth-Token");
      else headers.put("X-Auth-Token", token);
      return new FuzzCase(op, "token", op.method(), op.path(), headers, body, !op.anonymous());
    }
    if (kind == 1) {
      headers.put("Content-Type", pick(CONTENT_TYPES));
      return new FuzzCase(op, "content type", op.method(), op.path(), headers, body, false);
    }
    String version = pick(MICROVERSIONS);
    headers.put(random.nextBoolean() ? "OpenStack-API-Version" : "X-OpenStack-Nova-API-Version", version);
    return new FuzzCase(op, "microversion", op.method(), op.path(), headers, body, false);
  }

  /** Breaks the serialised body: truncated, invalid UTF-8, not an object, nested too deep. */
  private FuzzCase mutateBytes(Operation op, Map<String, String> headers) {
    byte[] valid = op.bodyBuffer().getBytes();
    int kind = random.nextInt(8);
    Buffer body;
    String what;
    switch (kind) {
      case 0 -> {
        body = Buffer.buffer(java.util.Arrays.copyOf(valid, random.nextInt(valid.length)));
        what = "truncated";
      }
      case 1 -> {
        int quote = nthQuote(valid);
        Buffer b = Buffer.buffer();
        b.appendBytes(valid, 0, quote + 1).appendBytes(random.nextBoolean() ? new byte[] {(byte) 0xff, (byte) 0xfe}
            : new byte[] {(byte) 0xc3, 0x28}).appendBytes(valid, quote + 1, valid.length - quote - 1);
        body = b;
        what = "invalid UTF-8";
      }
      case 2 -> {
        // For a list body (a JSON-patch) an empty list is valid: only other kinds are surely wrong.
        // An empty list is a valid JSON-patch, and {} a valid body where no member wraps the resource (Glance).
        boolean wrapped = op.body() instanceof JsonObject o && resource(o) != o;
        body = Buffer.buffer(pick(op.body() instanceof JsonArray ? List.of("", "null", "42", "\"text\"", "true", "{}")
            : wrapped ? List.of("", "null", "[]", "42", "\"text\"", "true", "{}", "[{}]")
            : List.of("", "null", "[]", "42", "\"text\"", "true", "[{}]")));
        what = "not the resource object";
      }
      case 3 -> {
        int depth = 500 + random.nextInt(3000);
        body = Buffer.buffer("{\"x\":" + "[".repeat(depth) + "]".repeat(depth) + "}");
        what = "nested " + depth + " deep";
      }
      case 4 -> {
        body = Buffer.buffer(new String(valid, StandardCharsets.UTF_8) + "}garbage");
        what = "trailing garbage";
      }
      case 5 -> {
        body = Buffer.buffer("\ufeff" + new String(valid, StandardCharsets.UTF_8));
        what = "byte order mark";
      }
      case 6 -> {
        body = Buffer.buffer(new String(valid, StandardCharsets.UTF_8).replace(":", ":\u0000"));
        what = "raw NUL";
      }
      default -> {
        body = Buffer.buffer(new String(valid, StandardCharsets.UTF_8).replaceFirst("([}\\]])$", ",$1"));
        what = "trailing comma";
      }
    }
    // A byte order mark is accepted by some JSON parsers (Python's is not one of them, but harmless either way).
    boolean refuse = kind != 5;
    return new FuzzCase(op, what, op.method(), op.path(), headers, body, refuse);
  }

  private int nthQuote(byte[] bytes) {
    List<Integer> quotes = new ArrayList<>();
    for (int i = 0; i < bytes.length; i++) if (bytes[i] == '"') quotes.add(i);
    return quotes.isEmpty() ? 0 : quotes.get(random.nextInt(quotes.size()));
  }

  /** Changes one value, or deletes or adds one field, somewhere in a copy of the body. */
  private FuzzCase mutateTree(Operation op, Map<String, String> headers) {
    Object copy = op.bodyCopy();
    List<Slot> slots = new ArrayList<>();
    collect(copy, null, 0, slots);
    Slot slot = slots.get(random.nextInt(slots.size()));
    Object old = slot.get();
    boolean loose = slot.key() != null && op.looseFields().contains(slot.key());
    int kind = random.nextInt(100);
    String what;
    boolean refuse = false;
    if (kind < 30) {
      Object value = otherKind(old);
      slot.set(value);
      what = "kind of " + slot + " " + describe(old) + " -> " + describe(value);
      refuse = !loose && (isContainer(old) != isContainer(value) || (isContainer(old)
          && (old instanceof JsonObject) != (value instanceof JsonObject)));
    } else if (kind < 55) {
      Object value = sameKind(old);
      slot.set(value);
      what = "value of " + slot + " -> " + describe(value);
      refuse = !loose && isIntegral(old) && !(old instanceof Boolean) && (value instanceof Double d && d == 1.5
          || value instanceof BigInteger big && big.bitLength() > 63);
    } else if (kind < 75) {
      slot.remove();
      what = "removed " + slot;
    } else {
      JsonObject target = slot.parent() instanceof JsonObject o ? o : copy instanceof JsonObject co ? co
          : new JsonObject();
      if (copy instanceof JsonArray list && target.isEmpty()) list.add(target);
      boolean resourceLevel = target == resource(copy);
      String key = pick(List.of("colour", "qos_policy_id", "zzz", "id", "tenant_id", "project_id", "created_at",
          "status", "", "\u0000", "x".repeat(300)));
      target.put(key, pick(List.of("x", 1, new JsonObject(), new JsonArray(), true)));
      what = "added " + key.replace("\u0000", "\\0") + " at depth " + slot.depth();
      // Only a name nobody defines is surely unknown; "id" and friends are read-only attributes OpenStack may
      // refuse with another message, or (Keystone) accept.
      refuse = op.refusesUnknownFields() && resourceLevel && key.equals("colour");
    }
    Buffer body = copy instanceof JsonObject o ? o.toBuffer() : ((JsonArray) copy).toBuffer();
    return new FuzzCase(op, what, op.method(), op.path(), headers, body, refuse);
  }

  private Object otherKind(Object old) {
    int k = random.nextInt(4);
    if (old instanceof JsonObject) {
      return k == 0 ? new JsonArray() : k == 1 ? new JsonArray().add(old) : pick(OTHER_SCALARS);
    }
    if (old instanceof JsonArray a) {
      return k == 0 ? new JsonObject() : k == 1 && !a.isEmpty() ? a.getValue(0) : pick(OTHER_SCALARS);
    }
    if (k == 0) return new JsonObject().put("x", old);
    if (k == 1) return new JsonArray().add(old);
    Object other;
    do {
      other = pick(OTHER_SCALARS);
    } while (other.equals(old) || other.getClass() == (old == null ? null : old.getClass()));
    return other;
  }

  private Object sameKind(Object old) {
    if (old instanceof Number) return pick(HOSTILE_NUMBERS);
    if (old instanceof Boolean) return pick(List.of("yes", 1, "True", 0, "maybe"));
    if (old instanceof JsonArray a) {
      JsonArray many = new JsonArray();
      Object item = a.isEmpty() ? "x" : a.getValue(0);
      for (int i = 0; i < 1 + random.nextInt(2000); i++) many.add(item);
      return many;
    }
    if (old instanceof JsonObject o) {
      JsonObject many = o.copy();
      for (int i = 0; i < random.nextInt(400); i++) many.put("k" + i, "v");
      return many;
    }
    return pick(HOSTILE_STRINGS);
  }

  /** The object that holds the resource's fields: the body's only member when that is an object, else the body. */
  private static Object resource(Object body) {
    if (body instanceof JsonObject o && o.size() == 1 && o.getValue(o.fieldNames().iterator().next())
        instanceof JsonObject inner) {
      return inner;
    }
    return body;
  }

  private static boolean isContainer(Object o) {
    return o instanceof JsonObject || o instanceof JsonArray;
  }

  private static boolean isIntegral(Object o) {
    return o instanceof Integer || o instanceof Long;
  }

  private static String describe(Object v) {
    String s = v == null ? "null" : v instanceof String str ? '"' + str + '"' : String.valueOf(v);
    s = s.replace("\u0000", "\\0");
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }

  private String replaceLastId(String path) {
    int slash = path.lastIndexOf('/');
    return path.substring(0, slash + 1) + pick(IDS) + (random.nextInt(4) == 0 ? "/" + pick(IDS) : "");
  }

  private <T> T pick(List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  private static void collect(Object node, Slot self, int depth, List<Slot> out) {
    if (self != null) out.add(self);
    if (node instanceof JsonObject o) {
      for (String key : List.copyOf(o.fieldNames())) collect(o.getValue(key), new Slot(o, key, -1, depth + 1), depth + 1,
          out);
    } else if (node instanceof JsonArray a) {
      for (int i = 0; i < a.size(); i++) collect(a.getValue(i), new Slot(a, null, i, depth + 1), depth + 1, out);
    }
  }

  /** A place in the body: a member of an object or an element of an array. */
  private record Slot(Object parent, String key, int index, int depth) {
    Object get() {
      return parent instanceof JsonObject o ? o.getValue(key) : ((JsonArray) parent).getValue(index);
    }

    void set(Object value) {
      if (parent instanceof JsonObject o) o.put(key, value);
      else ((JsonArray) parent).set(index, value);
    }

    void remove() {
      if (parent instanceof JsonObject o) o.remove(key);
      else ((JsonArray) parent).remove(index);
    }

    @Override
    public String toString() {
      return key != null ? "'" + key + "'" : "[" + index + "]";
    }
  }
}
