package io.strato.volume;

import io.strato.common.http.ApiException;
import io.strato.common.http.Replies;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Volume types: one, {@code __DEFAULT__} (Cinder's default type since Train), backed by the file backend.
 * {@code GET /types}, {@code /types/default} (3.62) and {@code /types/{id}}.
 */
final class VolumeTypes {
  static final String DEFAULT_NAME = "__DEFAULT__";
  static final String DEFAULT_ID =
      UUID.nameUUIDFromBytes(("strato.volume-type." + DEFAULT_NAME).getBytes(StandardCharsets.UTF_8)).toString();

  private VolumeTypes() {}

  /** The type a create asks for, by name or id ({@code null} is the default); 404 for any other. */
  static String resolve(String nameOrId) {
    if (nameOrId == null || nameOrId.equals(DEFAULT_NAME) || nameOrId.equals(DEFAULT_ID)) return DEFAULT_NAME;
    throw ApiException.notFound("Volume type with name " + nameOrId + " could not be found.");
  }

  static JsonObject view() {
    return new JsonObject().put("id", DEFAULT_ID).put("name", DEFAULT_NAME).put("description", "Default Volume Type")
        .put("is_public", true).put("os-volume-type-access:is_public", true).put("extra_specs", new JsonObject())
        .put("qos_specs_id", null);
  }

  static void list(RoutingContext ctx) {
    Replies.json(ctx, 200, new JsonObject().put("volume_types", new JsonArray().add(view())));
  }

  static void show(RoutingContext ctx) {
    String id = ctx.pathParam("type_id");
    if (!id.equals(DEFAULT_ID) && !id.equals(DEFAULT_NAME) && !id.equals("default")) {
      throw ApiException.notFound("Volume type " + id + " could not be found.");
    }
    Replies.json(ctx, 200, new JsonObject().put("volume_type", view()));
  }
}
