package io.strato.common.messages;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * A batch provisioning system -> gateway, on {@code strato.boot-batches} keyed by batch id: "boot these servers
 * for this project, as this user". The JSON shape, version {@value #VERSION}:
 *
 * <pre>{@code
 * {
 *   "version": 1,
 *   "message_id": "6f1c...",                       // unique per message
 *   "batch_id": "nightly-2025-01-31",              // client-chosen, 1..255 characters, unique within the project
 *   "project_id": "c2a0...", "user_id": "9b7e...", // whom the batch acts for
 *   "credential": {"type": "token", "token": "<Keystone token, project-scoped to project_id, member or admin>"},
 *   "entries": [
 *     {"idempotency_key": "web-001",               // client-chosen, 1..255 characters, unique within the project
 *      "server": {"name": "web-001", "imageRef": "...", "flavorRef": "1"},  // the POST /servers "server" body
 *      "os:scheduler_hints": {"group": "..."}}     // optional, as beside "server" in POST /servers
 *   ]
 * }
 * }</pre>
 * The request id travels in the {@code x-openstack-request-id} header, as on every Strato topic.
 *
 * <p>Failure: a message that does not parse, or whose credential does not prove the project and user (forged,
 * expired, revoked, another project or user, no member or admin role), is refused as a whole and reported as
 * {@code batch.refused} on {@code strato.instance-events}; nothing boots. A bad entry (invalid body, unknown
 * flavor, over quota) fails only itself ({@code instance.create.error} with the reason).
 *
 * <p>Idempotency: each entry boots at most one server per (project, idempotency key), for ever. A redelivered or
 * replayed batch, or a later batch naming a key already used, re-announces the server that key already made
 * instead of booting another. The same batch id with different entries is refused.
 */
public record BootBatch(int version, String messageId, String batchId, String projectId, String userId,
    Credential credential, List<Entry> entries) {

  public static final int VERSION = 1;
  public static final int MAX_ID_LENGTH = 255;

  /** Proof that the batch acts for the project: only {@code type: "token"} (a Keystone token) for now. */
  public record Credential(String type, String token) {
    public static final String TOKEN = "token";

    public Credential {
      if (!TOKEN.equals(type)) throw new IllegalArgumentException("unsupported credential type " + type);
      if (token == null || token.isBlank()) throw new IllegalArgumentException("the credential has no token");
    }

    public JsonObject toJson() {
      return new JsonObject().put("type", type).put("token", token);
    }
  }

  /**
   * One server to boot. {@code server} is checked only when the entry is booted (exactly as a {@code POST
   * /servers} body), so that a bad entry fails alone.
   */
  public record Entry(String idempotencyKey, JsonObject server, JsonObject schedulerHints) {
    public Entry {
      requireId(idempotencyKey, "idempotency_key");
      if (server == null) throw new IllegalArgumentException("entry " + idempotencyKey + " needs a 'server' object");
    }

    /** The entry as the body of {@code POST /servers}. */
    public JsonObject createBody() {
      JsonObject body = new JsonObject().put("server", server.copy());
      if (schedulerHints != null) body.put("os:scheduler_hints", schedulerHints.copy());
      return body;
    }

    public JsonObject toJson() {
      JsonObject j = new JsonObject().put("idempotency_key", idempotencyKey).put("server", server);
      if (schedulerHints != null) j.put("os:scheduler_hints", schedulerHints);
      return j;
    }
  }

  public BootBatch {
    if (version != VERSION) throw new IllegalArgumentException("unsupported boot batch version " + version);
    requireId(messageId, "message_id");
    requireId(batchId, "batch_id");
    requireId(projectId, "project_id");
    requireId(userId, "user_id");
    if (credential == null) throw new IllegalArgumentException("a batch needs a credential");
    if (entries == null || entries.isEmpty()) throw new IllegalArgumentException("a batch needs at least one entry");
    entries = List.copyOf(entries);
    Set<String> keys = new HashSet<>();
    for (Entry e : entries) {
      if (!keys.add(e.idempotencyKey())) {
        throw new IllegalArgumentException("idempotency_key " + e.idempotencyKey() + " appears twice in the batch");
      }
    }
  }

  /**
   * SHA-256 of the entries in canonical form (keys sorted; the credential left out, so a retry with a fresh token is
   * the same batch): tells a redelivery from a different batch reusing the id.
   */
  public String entriesDigest() {
    JsonArray list = new JsonArray();
    entries.forEach(e -> list.add(canonical(e.toJson())));
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(list.encode().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The same JSON with every object's keys in sorted order (JsonObject encodes in insertion order). */
  private static Object canonical(Object value) {
    if (value instanceof JsonObject o) {
      JsonObject sorted = new JsonObject();
      o.fieldNames().stream().sorted().forEach(k -> sorted.put(k, canonical(o.getValue(k))));
      return sorted;
    }
    if (value instanceof JsonArray a) {
      JsonArray out = new JsonArray();
      a.forEach(v -> out.add(canonical(v)));
      return out;
    }
    return value;
  }

  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    entries.forEach(e -> list.add(e.toJson()));
    return new JsonObject().put("version", version).put("message_id", messageId).put("batch_id", batchId)
        .put("project_id", projectId).put("user_id", userId).put("credential", credential.toJson())
        .put("entries", list);
  }

  /** Parses and validates; throws IllegalArgumentException saying what is wrong with a message that is not one. */
  public static BootBatch fromJson(JsonObject j) {
    try {
      JsonObject c = j.getJsonObject("credential");
      if (c == null) throw new IllegalArgumentException("a batch needs a credential");
      JsonArray list = j.getJsonArray("entries");
      if (list == null) throw new IllegalArgumentException("a batch needs at least one entry");
      List<Entry> entries = new ArrayList<>();
      for (Object o : list) {
        if (!(o instanceof JsonObject e)) throw new IllegalArgumentException("an entry must be an object");
        entries.add(new Entry(e.getString("idempotency_key"), e.getJsonObject("server"),
            e.getJsonObject("os:scheduler_hints")));
      }
      return new BootBatch(j.getInteger("version", 0), j.getString("message_id"), j.getString("batch_id"),
          j.getString("project_id"), j.getString("user_id"), new Credential(c.getString("type"), c.getString("token")),
          entries);
    } catch (ClassCastException | NullPointerException e) {
      throw new IllegalArgumentException("malformed boot batch: " + e.getMessage(), e);
    }
  }

  private static void requireId(String value, String field) {
    if (value == null || value.isBlank() || value.length() > MAX_ID_LENGTH) {
      throw new IllegalArgumentException(field + " must be 1 to " + MAX_ID_LENGTH + " characters");
    }
  }
}
