package io.strato.testkit.fuzz;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * One call the fuzzer starts from: a request the API accepts as it is, plus what the fuzzer needs to judge its
 * mutations and to clean up after the ones that succeed.
 *
 * @param body a valid body (a JsonObject, or a JsonArray for a JSON-patch), or null for calls without one
 * @param undo the path to DELETE when a mutated call succeeded (from its reply), or null when nothing to undo
 * @param looseFields fields whose value may legitimately change kind (an object or a scalar both valid)
 * @param refusesUnknownFields whether an unknown member of the resource object must be refused (OpenStack's
 *     additionalProperties false, Neutron's "Unrecognized attribute(s)")
 * @param queryKeys query parameters a list call takes, fuzzed with hostile values
 * @param anonymous the call needs no token, so a junk one need not be refused
 */
public record Operation(String name, HttpMethod method, String path, Object body,
    Function<JsonObject, String> undo, Set<String> looseFields, boolean refusesUnknownFields, List<String> queryKeys,
    boolean anonymous) {

  public Operation(String name, HttpMethod method, String path, Object body, Function<JsonObject, String> undo,
      Set<String> looseFields, boolean refusesUnknownFields, List<String> queryKeys) {
    this(name, method, path, body, undo, looseFields, refusesUnknownFields, queryKeys, false);
  }

  /** This call needs no token (Keystone's token request, its revocation list): a junk token is ignored, not refused. */
  public Operation anonymously() {
    return new Operation(name, method, path, body, undo, looseFields, refusesUnknownFields, queryKeys, true);
  }

  /**
   * A write without a body, or whose body the API ignores (Glance's tag PUT, Keystone's grant PUT): its headers and
   * path ids are fuzzed, not a body.
   */
  public static Operation bodiless(String name, HttpMethod method, String path) {
    return new Operation(name, method, path, null, null, Set.of(), false, List.of());
  }

  /** A JSON-patch or other call whose body is a list (Glance's image PATCH); a success is left in place. */
  public static Operation updateList(String name, HttpMethod method, String path, JsonArray body,
      String... looseFields) {
    return new Operation(name, method, path, body, null, Set.of(looseFields), false, List.of());
  }

  Buffer bodyBuffer() {
    return body instanceof JsonArray a ? a.toBuffer() : ((JsonObject) body).toBuffer();
  }

  Object bodyCopy() {
    return body instanceof JsonArray a ? a.copy() : ((JsonObject) body).copy();
  }

  /** A create: POST {@code path} with {@code body}; {@code undo} names what to delete when it succeeds. */
  public static Operation create(String name, String path, JsonObject body, Function<JsonObject, String> undo,
      boolean refusesUnknownFields, String... looseFields) {
    return new Operation(name, HttpMethod.POST, path, body, undo, Set.of(looseFields), refusesUnknownFields, List.of());
  }

  /** An update or action on an existing resource (PUT, PATCH or POST); a success is left in place. */
  public static Operation update(String name, HttpMethod method, String path, JsonObject body,
      boolean refusesUnknownFields, String... looseFields) {
    return new Operation(name, method, path, body, null, Set.of(looseFields), refusesUnknownFields, List.of());
  }

  /** A list call: GET {@code path} with its query parameters fuzzed; the path's last segment is fuzzed as an id. */
  public static Operation list(String name, String path, String... queryKeys) {
    return new Operation(name, HttpMethod.GET, path, null, null, Set.of(), false, List.of(queryKeys));
  }
}
