package io.strato.image;

import io.strato.common.auth.Token;
import io.strato.common.http.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * The fields a client may set on an image, validated as Glance does: formats from its lists, non-negative minimums,
 * string properties, and {@code public} visibility for admins only. Read-only fields answer 403.
 */
final class ImageFields {
  static final Set<String> DISK_FORMATS =
      Set.of("ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2", "vdi", "iso", "ploop");
  static final Set<String> CONTAINER_FORMATS = Set.of("ami", "ari", "aki", "bare", "ovf", "ova", "docker", "compressed");
  static final Set<String> READ_ONLY = Set.of("id", "status", "size", "virtual_size", "checksum", "os_hash_algo",
      "os_hash_value", "owner", "created_at", "updated_at", "file", "self", "schema", "locations", "direct_url");
  private static final Set<String> VISIBILITY = Set.of("public", "private", "shared", "community");

  private ImageFields() {}

  /**
   * Splits a flat image document into core fields and properties, validating each; answers the normalised
   * document with the properties under {@code "properties"}.
   */
  static JsonObject validate(JsonObject flat, Token token) {
    JsonObject out = new JsonObject();
    JsonObject properties = new JsonObject();
    for (String key : flat.fieldNames()) {
      Object v = flat.getValue(key);
      switch (key) {
        case "name" -> out.put(key, string(key, v, 255, true));
        case "visibility" -> {
          String vis = string(key, v, 16, false);
          if (!VISIBILITY.contains(vis)) throw ApiException.badRequest("Invalid visibility value: " + vis);
          if (vis.equals("public")) ImagePolicy.requireAdmin(token, "publicize_image");
          out.put(key, vis);
        }
        case "disk_format" -> out.put(key, oneOf(key, v, DISK_FORMATS));
        case "container_format" -> out.put(key, oneOf(key, v, CONTAINER_FORMATS));
        case "min_disk", "min_ram" -> {
          if (!(v instanceof Integer n) || n < 0) {
            throw ApiException.badRequest("Invalid value for '" + key + "': it must be an integer >= 0.");
          }
          out.put(key, n);
        }
        case "protected", "os_hidden" -> {
          if (!(v instanceof Boolean b)) throw ApiException.badRequest("Invalid value for '" + key + "': not a boolean.");
          out.put(key, b);
        }
        case "tags" -> out.put(key, tags(v));
        case "id" -> out.put(key, string(key, v, 36, false));
        default -> {
          if (READ_ONLY.contains(key)) throw ApiException.forbidden("Attribute '" + key + "' is read-only.");
          if (key.isEmpty() || key.length() > 255) throw ApiException.badRequest("Invalid property name '" + key + "'.");
          properties.put(key, string(key, v, 65535, false));
        }
      }
    }
    return out.put("properties", properties);
  }

  private static String string(String key, Object v, int max, boolean nullable) {
    if (v == null && nullable) return null;
    if (!(v instanceof String s)) throw ApiException.badRequest("Invalid value for '" + key + "': not a string.");
    if (s.length() > max) throw ApiException.badRequest("Invalid value for '" + key + "': longer than " + max + ".");
    return s;
  }

  private static String oneOf(String key, Object v, Set<String> allowed) {
    if (v == null) return null;
    if (!(v instanceof String s) || !allowed.contains(s)) {
      throw ApiException.badRequest("Invalid value '" + v + "' for '" + key + "': it must be one of " + allowed);
    }
    return s;
  }

  private static JsonArray tags(Object v) {
    if (!(v instanceof JsonArray a)) throw ApiException.badRequest("Invalid value for 'tags': not a list.");
    JsonArray out = new JsonArray();
    for (Object t : a) {
      if (!(t instanceof String s) || s.isEmpty() || s.length() > 255) {
        throw ApiException.badRequest("Invalid tag '" + t + "'.");
      }
      if (!out.contains(s)) out.add(s);
    }
    return out;
  }
}
