package io.strato.image;

import io.strato.common.config.Settings;
import io.strato.common.http.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * Glance's limits on what one image may carry: {@code image_property_quota} and {@code image_tag_quota} (128 each by
 * default), and the total bytes of its properties (keys and values, UTF-8). Over a limit answers Glance's 413 on
 * create, patch and tag, so a tenant cannot grow an image record (and the boot requests that copy its properties)
 * without bound through many small patches. -1 is unlimited.
 */
record ImageLimits(int properties, int tags, int propertyBytes) {

  static ImageLimits from(Settings s) {
    return new ImageLimits(s.getInt("image.property.quota"), s.getInt("image.tag.quota"),
        s.getInt("image.properties.max.bytes"));
  }

  /** Checks what an image would hold after a create or change. */
  void check(JsonObject properties, JsonArray tags) {
    if (this.properties >= 0 && properties.size() > this.properties) {
      throw new ApiException(413, "The limit has been exceeded on the number of allowed image properties. Attempted: "
          + properties.size() + ", Maximum: " + this.properties);
    }
    if (this.tags >= 0 && tags.size() > this.tags) {
      throw new ApiException(413, "The limit has been exceeded on the number of allowed image tags. Attempted: "
          + tags.size() + ", Maximum: " + this.tags);
    }
    if (propertyBytes >= 0) {
      long bytes = 0;
      for (String key : properties.fieldNames()) {
        bytes += key.getBytes(StandardCharsets.UTF_8).length
            + String.valueOf(properties.getValue(key)).getBytes(StandardCharsets.UTF_8).length;
      }
      if (bytes > propertyBytes) {
        throw new ApiException(413, "The limit has been exceeded on the total size of image properties. Attempted: "
            + bytes + " bytes, Maximum: " + propertyBytes);
      }
    }
  }

  Image check(Image image) {
    check(image.properties(), image.tags());
    return image;
  }
}
