package io.strato.volume;

import io.strato.common.http.Replies;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * Version discovery, unauthenticated: {@code GET /} answers 300 with the one version (v3.0, microversions
 * {@link Microversion#MIN} to {@link Microversion#MAX}); {@code GET /v3/} answers 200 with the same list, as Cinder.
 * cinderclient reads {@code version} and {@code min_version} of the {@code CURRENT} entry.
 */
final class VersionsApi {
  private final String baseUrl;

  VersionsApi(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  void mount(Router router) {
    router.get("/").handler(ctx -> Replies.json(ctx, 300, versions()));
    router.get("/v3").handler(ctx -> Replies.json(ctx, 200, versions()));
    router.get("/v3/").handler(ctx -> Replies.json(ctx, 200, versions()));
  }

  private JsonObject versions() {
    JsonObject v3 = new JsonObject().put("id", "v3.0").put("status", "CURRENT")
        .put("version", Microversion.MAX.toString()).put("min_version", Microversion.MIN.toString())
        .put("updated", "2023-08-31T00:00:00Z")
        .put("links", new JsonArray()
            .add(new JsonObject().put("rel", "describedby").put("type", "text/html")
                .put("href", "https://docs.openstack.org/"))
            .add(new JsonObject().put("rel", "self").put("href", baseUrl + "/v3/")))
        .put("media-types", new JsonArray().add(new JsonObject().put("base", "application/json")
            .put("type", "application/vnd.openstack.volume+json;version=3")));
    return new JsonObject().put("versions", new JsonArray().add(v3));
  }
}
