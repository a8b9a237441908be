package io.strato.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Nova's {@code links}: a versioned {@code self} and an unversioned {@code bookmark}. */
public final class Links {
  private Links() {}

  public static JsonArray of(String baseUrl, String collection, String id) {
    return new JsonArray()
        .add(new JsonObject().put("rel", "self").put("href", baseUrl + "/v2.1/" + collection + "/" + id))
        .add(new JsonObject().put("rel", "bookmark").put("href", baseUrl + "/" + collection + "/" + id));
  }
}
