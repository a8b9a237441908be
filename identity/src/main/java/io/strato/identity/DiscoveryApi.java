package io.strato.identity;

import io.strato.common.auth.AuthHandler;
import io.strato.common.auth.TokenCodec;
import io.strato.common.http.ApiException;
import io.strato.common.http.Replies;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.security.PublicKey;

/**
 * Version discovery, the one domain, the service catalog as {@code /v3/services} and {@code /v3/endpoints}, and
 * what other services need to check tokens locally: the verification key and the revocation events.
 */
final class DiscoveryApi {
  private static final String VERSION = "v3.14";
  private final IdentityConfig config;
  private final Catalog catalog;
  private final RevocationStore revocations;
  private final PublicKey verifyKey;
  private final AuthHandler auth;

  DiscoveryApi(IdentityConfig config, Catalog catalog, RevocationStore revocations, PublicKey verifyKey,
      AuthHandler auth) {
    this.config = config;
    this.catalog = catalog;
    this.revocations = revocations;
    this.verifyKey = verifyKey;
    this.auth = auth;
  }

  void mount(Router router) {
    router.get("/").handler(ctx -> Replies.json(ctx, 300, new JsonObject().put("versions",
        new JsonObject().put("values", new JsonArray().add(version())))));
    router.get("/v3").handler(ctx -> Replies.json(ctx, 200, new JsonObject().put("version", version())));
    router.get("/v3/").handler(ctx -> Replies.json(ctx, 200, new JsonObject().put("version", version())));
    router.get("/v3/domains").handler(auth).handler(ctx -> Replies.json(ctx, 200,
        new JsonObject().put("domains", new JsonArray().add(defaultDomain()))));
    router.get("/v3/domains/:id").handler(auth).handler(this::domain);
    router.get("/v3/services").handler(auth).handler(ctx -> Replies.json(ctx, 200,
        new JsonObject().put("services", catalog.services())));
    router.get("/v3/endpoints").handler(auth).handler(ctx -> Replies.json(ctx, 200,
        new JsonObject().put("endpoints", catalog.endpoints())));
    router.get("/v3/regions").handler(auth).handler(ctx -> Replies.json(ctx, 200, new JsonObject().put("regions",
        new JsonArray().add(new JsonObject().put("id", config.region()).put("description", "")
            .put("parent_region_id", null)))));
    router.get("/v3/OS-STRATO/signing-key").handler(ctx -> Replies.json(ctx, 200, new JsonObject()
        .put("algorithm", "Ed25519").put("public_key", TokenCodec.encodePublic(verifyKey))));
    router.get("/v3/OS-REVOKE/events").handler(this::revocationEvents);
  }

  private JsonObject version() {
    String base = config.publicUrl(config.port());
    return new JsonObject().put("id", VERSION).put("status", "stable").put("updated", "2020-04-07T00:00:00Z")
        .put("links", new JsonArray().add(new JsonObject().put("rel", "self").put("href", base + "/v3/")))
        .put("media-types", new JsonArray().add(new JsonObject().put("base", "application/json")
            .put("type", "application/vnd.openstack.identity-v3+json")));
  }

  private JsonObject defaultDomain() {
    return new JsonObject().put("id", "default").put("name", "Default").put("description", "The default domain")
        .put("enabled", true).put("tags", new JsonArray()).put("options", new JsonObject())
        .put("links", new JsonObject().put("self", config.publicUrl(config.port()) + "/v3/domains/default"));
  }

  private void domain(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!id.equals("default")) throw ApiException.notFound("Could not find domain: " + id + ".");
    Replies.json(ctx, 200, new JsonObject().put("domain", defaultDomain()));
  }

  // NOTE: served without a token, like the key: events carry only opaque audit ids and user ids.
  private void revocationEvents(RoutingContext ctx) {
    long since;
    try {
      since = Long.parseLong(ctx.queryParams().get("since_ms") == null ? "0" : ctx.queryParams().get("since_ms"));
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("since_ms must be milliseconds since the epoch.");
    }
    revocations.since(since)
        .onSuccess(events -> Replies.json(ctx, 200, new JsonObject().put("events", events)))
        .onFailure(ctx::fail);
  }
}
