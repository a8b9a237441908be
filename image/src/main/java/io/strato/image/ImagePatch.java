package io.strato.image;

import io.strato.common.auth.Token;
import io.strato.common.http.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Glance's JSON-patch ({@code application/openstack-images-v2.1-json-patch}): {@code add}, {@code replace} and
 * {@code remove} on top-level attributes ({@code /name}, {@code /tags}, {@code /architecture}, ...). Core attributes
 * can be replaced but not removed; read-only ones can be neither.
 */
final class ImagePatch {
  static final String MEDIA_TYPE = "application/openstack-images-v2.1-json-patch";

  private ImagePatch() {}

  static Image apply(Image image, JsonArray ops, Token token) {
    JsonObject editable = image.properties().copy().put("name", image.name()).put("visibility", image.visibility())
        .put("container_format", image.containerFormat()).put("disk_format", image.diskFormat())
        .put("min_disk", image.minDisk()).put("min_ram", image.minRam()).put("protected", image.isProtected())
        .put("os_hidden", image.hidden()).put("tags", image.tags());
    for (Object o : ops) {
      if (!(o instanceof JsonObject op)) throw ApiException.badRequest("Each patch operation must be an object.");
      String kind = op.getString("op");
      String path = op.getString("path");
      if (path == null || !path.matches("/[^/]+")) {
        throw ApiException.badRequest("Invalid JSON pointer for this resource: '" + path + "'");
      }
      String attr = path.substring(1).replace("~1", "/").replace("~0", "~");
      if (ImageFields.READ_ONLY.contains(attr)) throw ApiException.forbidden("Attribute '" + attr + "' is read-only.");
      switch (kind == null ? "" : kind) {
        case "add", "replace" -> {
          if (!op.containsKey("value")) throw ApiException.badRequest("Operation '" + kind + "' needs a 'value'.");
          if (kind.equals("replace") && !editable.containsKey(attr)) {
            throw ApiException.conflict("Property " + attr + " does not exist.");
          }
          // Each value is checked as it comes, as Glance does: an invalid value later removed is still refused.
          ImageFields.validate(new JsonObject().put(attr, op.getValue("value")), token);
          editable.put(attr, op.getValue("value"));
        }
        case "remove" -> {
          if (Image.CORE.contains(attr)) throw ApiException.forbidden("Attribute '" + attr + "' is required.");
          if (!editable.containsKey(attr)) throw ApiException.conflict("Property " + attr + " does not exist.");
          editable.remove(attr);
        }
        default -> throw ApiException.badRequest("Operation '" + kind + "' is not one of add, replace, remove.");
      }
    }
    JsonObject v = ImageFields.validate(editable, token);
    if (v.getString("visibility").equals("public") && !image.visibility().equals("public")) {
      ImagePolicy.requireAdmin(token, "publicize_image");
    }
    return new Image(image.id(), v.getString("name"), image.status(), v.getString("visibility"),
        v.getString("container_format"), v.getString("disk_format"), image.size(), image.virtualSize(),
        v.getInteger("min_disk"), v.getInteger("min_ram"), image.checksum(), image.osHashAlgo(), image.osHashValue(),
        image.owner(), v.getBoolean("protected"), v.getBoolean("os_hidden"), v.getJsonArray("tags"),
        v.getJsonObject("properties"), image.createdAt(), image.updatedAt());
  }
}
