package io.strato.common.messages;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * compute API -> schedulers on {@code strato.service-state} (compacted), keyed by host: the operator's switches of
 * that host's {@code nova-compute} service ({@code os-services}). A host that is {@code disabled} or
 * {@code forced_down} takes no new instances (the scheduler's {@code ComputeFilter}); its running servers are not
 * touched. Written through the compute API's outbox in the transaction that changes the service, so it is never
 * lost; compaction keeps the latest per host, and every scheduler replays the topic at start. Applying a status twice
 * changes nothing. A deleted service is published as enabled and up again (its host, if it still runs, comes back as
 * a new service).
 *
 * <p>JSON (version {@value #VERSION}):
 * <pre>{@code
 * {"version": 1, "host": "compute-01", "disabled": true, "disabled_reason": "maintenance", "forced_down": false}
 * }</pre>
 */
public record ServiceStatus(int version, String host, boolean disabled, String disabledReason, boolean forcedDown) {
  public static final int VERSION = 1;

  public ServiceStatus {
    if (version != VERSION) throw new IllegalArgumentException("unsupported service status version " + version);
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) throw new IllegalArgumentException("service status without a host name");
  }

  /** Whether the scheduler may place new instances on the host. */
  public boolean takesNewInstances() {
    return !disabled && !forcedDown;
  }

  public JsonObject toJson() {
    return new JsonObject().put("version", version).put("host", host).put("disabled", disabled)
        .put("disabled_reason", disabledReason).put("forced_down", forcedDown);
  }

  /** Parses and validates; throws IllegalArgumentException for a message that is not a valid service status. */
  public static ServiceStatus fromJson(JsonObject j) {
    try {
      return new ServiceStatus(j.getInteger("version", 0), j.getString("host"), j.getBoolean("disabled"),
          j.getString("disabled_reason"), j.getBoolean("forced_down"));
    } catch (ClassCastException | NullPointerException e) {
      throw new IllegalArgumentException("malformed service status: " + e.getMessage(), e);
    }
  }
}
