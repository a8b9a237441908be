package io.strato.gateway.servers.snapshot;

import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.strato.gateway.servers.MetadataItems;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;

/**
 * The body of Nova's {@code createImage} action: {@code name} (1 to 255 characters, not only spaces) and optional
 * {@code metadata} (string values, the image's extra properties), nothing else (Nova's
 * {@code additionalProperties: false}).
 */
record SnapshotRequest(String name, Map<String, String> metadata) {

  /** The {@code createImage} action's arguments. */
  static SnapshotRequest parse(Object args) {
    if (!(args instanceof JsonObject a)) throw ApiException.badRequest("Invalid input for field 'createImage'.");
    Fields.onlyKnown(a, "createImage", Set.of("name", "metadata"));
    String name = Fields.requiredString(a, "name", 255);
    if (name.isBlank()) throw ApiException.badRequest("Invalid input for field/attribute name. Value: " + name + ".");
    Object metadata = a.getValue("metadata");
    if (metadata != null && !(metadata instanceof JsonObject)) {
      throw ApiException.badRequest("Invalid input for field/attribute metadata. Value: " + metadata + ".");
    }
    Map<String, String> items = MetadataItems.parse((JsonObject) metadata, "metadata");
    MetadataItems.requireWithinQuota(items.size());
    return new SnapshotRequest(name, items);
  }
}
