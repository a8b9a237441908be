package io.strato.gateway.servers;

import io.strato.common.http.ApiException;
import java.nio.charset.StandardCharsets;

/**
 * The largest boot request the compute API puts in its outbox. A create multiplies what the tenant sent (a name per
 * instance of a multi-create, the image's properties, the group's hosts), so the request body limit alone does not
 * bound the record; this does. A record Kafka would refuse must never reach the outbox: the relay would retry it
 * forever and hold back every other project's boots behind it.
 */
final class BootRequestBudget {
  private final int maxPayloadBytes;

  /** {@code maxPayloadBytes}: {@link io.strato.common.kafka.KafkaSettings#maxBootRequestBytes}. */
  BootRequestBudget(int maxPayloadBytes) {
    this.maxPayloadBytes = maxPayloadBytes;
  }

  /** The payload unchanged, or a 413 telling the caller what to shrink (the create's transaction then rolls back). */
  String fit(String payload) {
    int bytes = payload.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > maxPayloadBytes) {
      throw new ApiException(413, "The request is too large: its boot request would be " + bytes
          + " bytes, over the " + maxPayloadBytes + " this cloud accepts. Ask for fewer servers (max_count), shorter"
          + " names or less metadata.");
    }
    return payload;
  }
}
