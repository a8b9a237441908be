package io.strato.network;

import io.strato.common.http.Replies;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * What clients ask before anything else: {@code GET /} (the API versions), {@code GET /v2.0/} (the resources), and
 * {@code /v2.0/extensions} (openstacksdk checks some before using a feature). Only extensions Strato implements are
 * listed.
 */
final class Discovery {
  private static final String[][] EXTENSIONS = {
      {"security-group", "security-group", "The security groups extension."},
      {"binding", "Port Binding", "Expose port bindings of a virtual port to external application"},
      {"standard-attr-description", "standard-attr-description", "Extension to add descriptions to standard attributes"},
      {"standard-attr-timestamp", "Resource timestamps", "Adds created_at and updated_at fields to all Neutron"
          + " resources that have Neutron standard attributes."},
      {"standard-attr-revisions", "Resource revision numbers", "This extension will display the revision number of"
          + " neutron resources."},
      {"port-security", "Port Security", "Provides port security"},
      {"project-id", "project_id field enabled", "Extension that indicates that project_id field is enabled."},
      {"net-mtu", "Network MTU", "Provides MTU attribute for a network resource."},
      {"external-net", "Neutron external network", "Adds external network attribute to network resource."},
      {"pagination", "Pagination support", "Extension that indicates that pagination is enabled."},
      {"ip-substring-filtering", "IP address substring filtering", "Provides IP address substring filtering when"
          + " listing ports"},
      {"quotas", "Quota management support", "Expose functions for quotas management per project"},
      {"quota_details", "Quota details management support", "Expose functions for quotas usage statistics per"
          + " project"},
  };
  private static final String[] RESOURCES = {"network", "subnet", "port", "security_group", "security_group_rule"};
  private final String baseUrl;

  Discovery(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** Version documents, answered without a token. */
  void mountPublic(Router router) {
    router.get("/").handler(ctx -> Replies.json(ctx, 200, versions()));
    router.get("/v2.0").handler(ctx -> Replies.json(ctx, 200, resources()));
    router.get("/v2.0/").handler(ctx -> Replies.json(ctx, 200, resources()));
  }

  void mount(Router api) {
    api.get("/v2.0/extensions").handler(ctx -> Replies.json(ctx, 200, new JsonObject().put("extensions", all())));
    api.get("/v2.0/extensions/:alias").handler(this::extension);
  }

  private JsonObject versions() {
    return new JsonObject().put("versions", new JsonArray().add(new JsonObject().put("id", "v2.0")
        .put("status", "CURRENT").put("links", new JsonArray().add(new JsonObject().put("rel", "self")
            .put("href", baseUrl + "/v2.0/")))));
  }

  private JsonObject resources() {
    JsonArray list = new JsonArray();
    for (String r : RESOURCES) {
      String collection = r.replace('_', '-') + "s";
      list.add(new JsonObject().put("name", r).put("collection", collection).put("links", new JsonArray()
          .add(new JsonObject().put("rel", "self").put("href", baseUrl + "/v2.0/" + collection))));
    }
    return new JsonObject().put("resources", list);
  }

  private void extension(RoutingContext ctx) {
    String alias = ctx.pathParam("alias");
    for (Object o : all()) {
      JsonObject e = (JsonObject) o;
      if (e.getString("alias").equals(alias)) {
        Replies.json(ctx, 200, new JsonObject().put("extension", e));
        return;
      }
    }
    ctx.fail(new io.strato.common.http.ApiException(404, "ExtensionNotFound", "Extension " + alias
        + " could not be found."));
  }

  private static JsonArray all() {
    JsonArray out = new JsonArray();
    for (String[] e : EXTENSIONS) {
      out.add(new JsonObject().put("alias", e[0]).put("name", e[1]).put("description", e[2])
          .put("updated", "2013-01-01T00:00:00-00:00").put("links", new JsonArray()));
    }
    return out;
  }
}
