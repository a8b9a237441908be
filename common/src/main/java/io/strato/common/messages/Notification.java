package io.strato.common.messages;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * A lifecycle notification on {@code strato.instance-events}, in the spirit of Nova's versioned notifications.
 * Instance events are keyed by instance id (by batch id for an entry refused before it had an instance); batch
 * events by batch id. The request id is also in the {@code x-openstack-request-id} header. Version
 * {@value #VERSION}:
 *
 * <pre>{@code
 * {
 *   "version": 1, "message_id": "…", "event_type": "instance.create.end", "priority": "INFO",
 *   "publisher_id": "strato-conductor", "timestamp": "2025-01-31T12:00:00.123Z", "request_id": "req-…",
 *   "payload": {
 *     "instance_id": "…", "project_id": "…", "user_id": "…", "state": "active", "task_state": null,
 *     "host": "…",
 *     "batch_id": "nightly-1", "idempotency_key": "web-001",   // only for instances a batch booted
 *     "fault": {"code": 500, "message": "…"}                    // only in instance.create.error
 *   }
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@code instance.create.start}: the instance was accepted (quota reserved, row written, on its way to the
 *       scheduler). Re-sent when a batch entry turns out to be already done, with the instance it made.</li>
 *   <li>{@code instance.create.end}: the build finished, the instance is {@code active}.</li>
 *   <li>{@code instance.create.error} (priority ERROR): the build ended in {@code error}, with the fault; or a
 *       batch entry was refused before any instance existed ({@code instance_id} and {@code state} null).</li>
 *   <li>{@code instance.delete.end}: the instance is deleted.</li>
 *   <li>{@code batch.end}: every entry of a batch has ended; payload {@code batch_id, project_id, user_id,
 *       entries, active, error, deleted, refused} (deleted: deleted before it was ever active).</li>
 *   <li>{@code batch.refused} (priority ERROR): the whole batch was refused, nothing booted; payload
 *       {@code batch_id, project_id, reason}.</li>
 * </ul>
 * Delivery is at-least-once: a consumer may see an event twice and should key on (event_type, instance id).
 */
public record Notification(int version, String messageId, String eventType, String priority, String publisherId,
    long timestampMillis, String requestId, JsonObject payload) {

  public static final int VERSION = 1;
  public static final String CREATE_START = "instance.create.start";
  public static final String CREATE_END = "instance.create.end";
  public static final String CREATE_ERROR = "instance.create.error";
  public static final String DELETE_END = "instance.delete.end";
  public static final String BATCH_END = "batch.end";
  public static final String BATCH_REFUSED = "batch.refused";
  public static final Set<String> EVENT_TYPES =
      Set.of(CREATE_START, CREATE_END, CREATE_ERROR, DELETE_END, BATCH_END, BATCH_REFUSED);

  public Notification {
    if (version != VERSION) throw new IllegalArgumentException("unsupported notification version " + version);
    Objects.requireNonNull(messageId, "messageId");
    if (!EVENT_TYPES.contains(eventType)) throw new IllegalArgumentException("unknown event type " + eventType);
    if (!"INFO".equals(priority) && !"ERROR".equals(priority)) {
      throw new IllegalArgumentException("priority must be INFO or ERROR");
    }
    payload = payload == null ? new JsonObject() : payload;
  }

  /** What an instance event says about its instance; batch fields are null unless a batch booted it. */
  public record InstancePayload(String instanceId, String projectId, String userId, String state, String taskState,
      String host, String batchId, String idempotencyKey, JsonObject fault) {
    public InstancePayload {
      if (fault != null) {
        fault = fault.copy();
        for (String field : new String[] {"message", "details"}) {
          if (fault.getValue(field) instanceof String text) fault.put(field, brief(text));
        }
      }
    }

    public JsonObject toJson() {
      JsonObject j = new JsonObject().put("instance_id", instanceId).put("project_id", projectId)
          .put("user_id", userId).put("state", state).put("task_state", taskState).put("host", host);
      if (batchId != null) j.put("batch_id", batchId).put("idempotency_key", idempotencyKey);
      if (fault != null) j.put("fault", fault);
      return j;
    }
  }

  /** The counts of a batch whose entries have all ended. */
  public record BatchSummary(String batchId, String projectId, String userId, int entries, int active, int error,
      int deleted, int refused) {
    public JsonObject toJson() {
      return new JsonObject().put("batch_id", batchId).put("project_id", projectId).put("user_id", userId)
          .put("entries", entries).put("active", active).put("error", error).put("deleted", deleted)
          .put("refused", refused);
    }
  }

  public static Notification instance(String eventType, String publisherId, InstancePayload payload,
      String requestId) {
    if (!eventType.startsWith("instance.")) throw new IllegalArgumentException(eventType + " is not an instance event");
    return new Notification(VERSION, UUID.randomUUID().toString(), eventType,
        CREATE_ERROR.equals(eventType) ? "ERROR" : "INFO", publisherId, System.currentTimeMillis(), requestId,
        payload.toJson());
  }

  public static Notification batchEnd(String publisherId, BatchSummary summary, String requestId) {
    return new Notification(VERSION, UUID.randomUUID().toString(), BATCH_END, "INFO", publisherId,
        System.currentTimeMillis(), requestId, summary.toJson());
  }

  public static Notification batchRefused(String publisherId, String batchId, String projectId, String reason,
      String requestId) {
    return new Notification(VERSION, UUID.randomUUID().toString(), BATCH_REFUSED, "ERROR", publisherId,
        System.currentTimeMillis(), requestId, new JsonObject().put("batch_id", batchId).put("project_id", projectId)
        .put("reason", brief(reason)));
  }

  /**
   * Longest fault message or reason a notification carries. They may echo what a tenant sent (a fault quotes the bad
   * value, escaped once more), so without a bound a batch entry near the topic's record limit would produce a
   * notification over it, which the outbox could never deliver.
   */
  public static final int MAX_TEXT = 4096;

  /** {@code text} cut to {@link #MAX_TEXT} characters, marked as cut. */
  static String brief(String text) {
    return text == null || text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + " [...]";
  }

  /** The Kafka key: the instance id for instance events that have one, else the batch id. */
  public String key() {
    String instance = payload.getString("instance_id");
    if (instance != null) return instance;
    String batch = payload.getString("batch_id");
    return batch != null ? batch : messageId;
  }

  public JsonObject toJson() {
    return new JsonObject().put("version", version).put("message_id", messageId).put("event_type", eventType)
        .put("priority", priority).put("publisher_id", publisherId)
        .put("timestamp", Instant.ofEpochMilli(timestampMillis).toString()).put("request_id", requestId)
        .put("payload", payload);
  }

  public static Notification fromJson(JsonObject j) {
    try {
      return new Notification(j.getInteger("version", 0), j.getString("message_id"), j.getString("event_type"),
          j.getString("priority"), j.getString("publisher_id"), Instant.parse(j.getString("timestamp")).toEpochMilli(),
          j.getString("request_id"), j.getJsonObject("payload"));
    } catch (ClassCastException | NullPointerException | java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException("malformed notification: " + e.getMessage(), e);
    }
  }
}
