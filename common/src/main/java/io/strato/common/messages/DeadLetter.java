package io.strato.common.messages;

import io.strato.common.kafka.Topics;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A record that can never be delivered or processed, on {@code strato.dead-letters}, keyed like the original record,
 * with the original request id in the {@code x-openstack-request-id} header too. Version {@value #VERSION}:
 *
 * <pre>{@code
 * {"version": 1, "message_id": "…", "source": "outbox", "topic": "strato.boot-requests", "key": "r-…",
 *  "request_id": "req-…", "reason": "RecordTooLargeException: …", "attempts": 1, "payload_bytes": 2000000,
 *  "payload": "…" (the original, only when at most 64 KiB), "failed_at_ms": 1764676800000,
 *  "partition": 3, "offset": 1234, "headers": {"x-openstack-request-id": "req-…"},
 *  "instance_ids": ["…"]}
 * }</pre>
 * {@code source} is {@code outbox} for a row the relay could not send, or the consumer group that could not process
 * a consumed record; {@code partition}, {@code offset} and {@code headers} (the original's, as text) come with the
 * latter. {@code instance_ids} are the instances the record names (its key or body), possibly none: the conductor
 * ends those still building in ERROR with {@code reason} as their fault, so nothing waits for a record that is gone.
 */
public record DeadLetter(int version, String messageId, String source, String topic, String key, String requestId,
    String reason, int attempts, int payloadBytes, String payload, long failedAtMillis, Integer partition,
    Long offset, JsonObject headers, List<String> instanceIds) {

  public static final int VERSION = 1;
  /** Payloads up to this size are kept whole in the dead letter; larger ones only by size. */
  public static final int MAX_KEPT_PAYLOAD = 64 * 1024;
  private static final int MAX_REASON = 4096;
  private static final Pattern UUID_TEXT =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  public DeadLetter {
    if (version != VERSION) throw new IllegalArgumentException("unsupported dead letter version " + version);
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(reason, "reason");
    headers = headers == null ? new JsonObject() : headers;
    instanceIds = instanceIds == null ? List.of() : instanceIds.stream().filter(DeadLetter::isUuid).toList();
  }

  /**
   * A dead letter for an outbox row, keeping {@code payload} whole only when it is small. A boot request or an
   * assignment names its instances (they would otherwise wait for it until their build timeout); a notification
   * names none (losing one must not fail its instance).
   */
  public static DeadLetter of(String source, String topic, String key, String requestId, String reason, int attempts,
      String payload) {
    boolean buildOrder = topic.equals(Topics.BOOT_REQUESTS) || topic.startsWith(Topics.ASSIGNMENTS);
    return new DeadLetter(VERSION, UUID.randomUUID().toString(), source, topic, key, requestId, cut(reason), attempts,
        bytes(payload), kept(payload), System.currentTimeMillis(), null, null, null,
        buildOrder ? instancesNamed(key, payload) : List.of());
  }

  /** A dead letter for a record consumer group {@code group} read at {@code topic}-{@code partition}@{@code offset}. */
  public static DeadLetter consumed(String group, String topic, int partition, long offset, String key,
      Map<String, String> headers, String payload, String reason, int attempts, List<String> instanceIds) {
    JsonObject h = new JsonObject();
    headers.forEach(h::put);
    return new DeadLetter(VERSION, UUID.randomUUID().toString(), group, topic, key,
        headers.get(Topics.REQUEST_ID_HEADER), cut(reason), attempts, bytes(payload), kept(payload),
        System.currentTimeMillis(), partition, offset, h, instanceIds);
  }

  /**
   * The instances a record names, best effort: its key, and the body's {@code instance_id} and {@code instance_ids},
   * each when it is a UUID. A body that is not a JSON object names none.
   */
  public static List<String> instancesNamed(String key, String payload) {
    Set<String> ids = new LinkedHashSet<>();
    if (isUuid(key)) ids.add(key.toLowerCase());
    if (payload != null && payload.length() <= MAX_KEPT_PAYLOAD * 16 && payload.startsWith("{")) {
      try {
        JsonObject body = new JsonObject(payload);
        if (body.getValue("instance_id") instanceof String id && isUuid(id)) ids.add(id.toLowerCase());
        if (body.getValue("instance_ids") instanceof JsonArray list) {
          for (Object o : list) if (o instanceof String id && isUuid(id)) ids.add(id.toLowerCase());
        }
      } catch (RuntimeException e) {
        // not JSON: only the key names an instance
      }
    }
    return new ArrayList<>(ids);
  }

  private static boolean isUuid(String s) {
    return s != null && UUID_TEXT.matcher(s).matches();
  }

  private static String cut(String reason) {
    return reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason;
  }

  private static int bytes(String payload) {
    return payload == null ? 0 : payload.getBytes(StandardCharsets.UTF_8).length;
  }

  private static String kept(String payload) {
    return bytes(payload) <= MAX_KEPT_PAYLOAD ? payload : null;
  }

  public JsonObject toJson() {
    return new JsonObject().put("version", version).put("message_id", messageId).put("source", source)
        .put("topic", topic).put("key", key).put("request_id", requestId).put("reason", reason)
        .put("attempts", attempts).put("payload_bytes", payloadBytes).put("payload", payload)
        .put("failed_at_ms", failedAtMillis).put("partition", partition).put("offset", offset)
        .put("headers", headers).put("instance_ids", new JsonArray(new ArrayList<>(instanceIds)));
  }

  /** Parses a dead letter; throws IllegalArgumentException (or ClassCastException) for one that is not. */
  public static DeadLetter fromJson(JsonObject j) {
    JsonArray ids = j.getJsonArray("instance_ids", new JsonArray());
    List<String> instanceIds = new ArrayList<>();
    for (Object o : ids) if (o instanceof String s) instanceIds.add(s);
    return new DeadLetter(j.getInteger("version", 0), j.getString("message_id"), j.getString("source"),
        j.getString("topic"), j.getString("key"), j.getString("request_id"), j.getString("reason"),
        j.getInteger("attempts", 0), j.getInteger("payload_bytes", 0), j.getString("payload"),
        j.getLong("failed_at_ms", 0L), j.getInteger("partition"), j.getLong("offset"), j.getJsonObject("headers"),
        instanceIds);
  }
}
