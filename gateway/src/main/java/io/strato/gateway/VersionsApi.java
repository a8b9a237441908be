package io.strato.gateway;

import io.strato.common.http.Replies;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/** Version discovery: {@code GET /} lists v2.1; {@code GET /v2.1} describes it with its microversion range. */
public final class VersionsApi {
  private final String baseUrl;

  public VersionsApi(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  public void mount(Router router) {
    router.get("/").handler(ctx -> Replies.json(ctx, 200, new JsonObject().put("versions",
        new JsonArray().add(version()))));
    router.get("/v2.1").handler(ctx -> Replies.json(ctx, 200, new JsonObject().put("version", version())));
    router.get("/v2.1/").handler(ctx -> Replies.json(ctx, 200, new JsonObject().put("version", version())));
  }

  private JsonObject version() {
    return new JsonObject().put("id", "v2.1").put("status", "CURRENT").put("version", Microversion.MAX.toString())
        .put("min_version", Microversion.MIN.toString()).put("updated", "2013-07-23T11:33:21Z")
        .put("links", new JsonArray().add(new JsonObject().put("rel", "self").put("href", baseUrl + "/v2.1/")))
        .put("media-types", new JsonArray().add(new JsonObject().put("base", "application/json")
            .put("type", "application/vnd.openstack.compute+json;version=2.1")));
  }
}
