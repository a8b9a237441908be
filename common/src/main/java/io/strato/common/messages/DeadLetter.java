package io.strato.common.messages;

import io.vertx.core.json.JsonObject;
import java.util.Objects;
import java.util.UUID;

/**
 * A record that can never be delivered or processed, on {@code strato.dead-letters}, keyed like the original record,
 * with the original request id in the {@code x-openstack-request-id} header too. Version {@value #VERSION}:
 *
 * <pre>{@code
 * {"version": 1, "message_id": "…", "source": "outbox", "topic": "strato.boot-requests", "key": "r-…",
 *  "request_id": "req-…", "reason": "RecordTooLargeException: …", "attempts": 1, "payload_bytes": 2000000,
 *  "payload": "…" (the original, only when at most 64 KiB), "failed_at_ms": 1764676800000}
 * }</pre>
 * An operator reads it to see what was dropped and why; nothing consumes it automatically.
 */
public record DeadLetter(int version, String messageId, String source, String topic, String key, String requestId,
    String reason, int attempts, int payloadBytes, String payload, long failedAtMillis) {

  public static final int VERSION = 1;
  /** Payloads up to this size are kept whole in the dead letter; larger ones only by size. */
  public static final int MAX_KEPT_PAYLOAD = 64 * 1024;

  public DeadLetter {
    if (version != VERSION) throw new IllegalArgumentException("unsupported dead letter version " + version);
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(reason, "reason");
  }

  /** A dead letter for {@code payload}, keeping it whole only when it is small. */
  public static DeadLetter of(String source, String topic, String key, String requestId, String reason, int attempts,
      String payload) {
    int bytes = payload == null ? 0 : payload.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    String cut = reason.length() > 4096 ? reason.substring(0, 4096) : reason;
    return new DeadLetter(VERSION, UUID.randomUUID().toString(), source, topic, key, requestId, cut, attempts, bytes,
        bytes <= MAX_KEPT_PAYLOAD ? payload : null, System.currentTimeMillis());
  }

  public JsonObject toJson() {
    return new JsonObject().put("version", version).put("message_id", messageId).put("source", source)
        .put("topic", topic).put("key", key).put("request_id", requestId).put("reason", reason)
        .put("attempts", attempts).put("payload_bytes", payloadBytes).put("payload", payload)
        .put("failed_at_ms", failedAtMillis);
  }

  public static DeadLetter fromJson(JsonObject j) {
    return new DeadLetter(j.getInteger("version", 0), j.getString("message_id"), j.getString("source"),
        j.getString("topic"), j.getString("key"), j.getString("request_id"), j.getString("reason"),
        j.getInteger("attempts", 0), j.getInteger("payload_bytes", 0), j.getString("payload"),
        j.getLong("failed_at_ms", 0L));
  }
}
