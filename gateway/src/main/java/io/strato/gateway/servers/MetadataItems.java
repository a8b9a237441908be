package io.strato.gateway.servers;

import io.strato.common.http.ApiException;
import io.strato.gateway.quotas.Limits;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Nova's rules for server metadata, in a create and in {@code /servers/{id}/metadata}: keys of 1 to 255 characters,
 * string values of at most 255 (400 otherwise), and at most the {@code metadata_items} quota of items on a server
 * (403, Nova's {@code MetadataLimitExceeded}).
 */
public final class MetadataItems {
  private MetadataItems() {}

  /** The items of {@code m} (the body member {@code field}), checked one by one; an empty map for null. */
  public static Map<String, String> parse(JsonObject m, String field) {
    Map<String, String> out = new LinkedHashMap<>();
    if (m == null) return out;
    m.forEach(e -> {
      if (e.getKey().isEmpty() || e.getKey().length() > 255) {
        throw ApiException.badRequest("Invalid input for field '" + field + "': keys must be 1 to 255 characters.");
      }
      if (!(e.getValue() instanceof String v) || v.length() > 255) {
        throw ApiException.badRequest("Invalid input for field '" + field + "': values must be strings of at most"
            + " 255 characters.");
      }
      out.put(e.getKey(), v);
    });
    return out;
  }

  /** 403 when a server would hold more items than the {@code metadata_items} quota. */
  public static void requireWithinQuota(int items) {
    if (items > Limits.METADATA_ITEMS) {
      throw ApiException.forbidden("Maximum number of metadata items exceeds " + Limits.METADATA_ITEMS);
    }
  }
}
