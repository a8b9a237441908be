package io.strato.network;

import io.strato.common.auth.AuthHandler;
import io.strato.common.auth.Token;
import io.strato.common.http.Fields;
import io.strato.common.http.Replies;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** {@code /v2.0/networks}: create, list, show, update, delete. */
final class NetworksApi {
  private static final Set<String> CREATE = Set.of("name", "description", "admin_state_up", "shared",
      "router:external", "mtu", "project_id", "tenant_id", "availability_zone_hints", "port_security_enabled",
      "dns_domain", "is_default", "provider:network_type", "provider:physical_network",
      "provider:segmentation_id");
  private static final Set<String> UPDATE = Set.of("name", "description", "admin_state_up", "shared",
      "router:external", "mtu", "port_security_enabled", "dns_domain", "is_default");
  private final Networks networks;
  private final int maxMtu;

  NetworksApi(Networks networks, int maxMtu) {
    this.networks = networks;
    this.maxMtu = maxMtu;
  }

  void mount(Router api) {
    api.post("/v2.0/networks").handler(this::create);
    api.get("/v2.0/networks").handler(this::list);
    api.get("/v2.0/networks/:id").handler(this::show);
    api.put("/v2.0/networks/:id").handler(this::update);
    api.delete("/v2.0/networks/:id").handler(this::delete);
  }

  private void create(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    JsonObject body = Replies.body(ctx, "network");
    NetworkPolicy.requireMember(token, "create_network");
    Neutron.onlyKnown(body, CREATE);
    JsonObject fields = validate(body, token, "create_network");
    if (fields.getInteger("mtu") == null) fields.put("mtu", maxMtu);
    String owner = Neutron.owner(body, token, "network");
    networks.create(UUID.randomUUID().toString(), owner, fields)
        .onSuccess(n -> Replies.json(ctx, 201, new JsonObject().put("network", n.toJson())))
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    ListQuery query = ListQuery.from(ctx, "n").uuid("id", "n.id").text("name", "n.name")
        .text("description", "n.description").bool("shared", "n.shared").bool("router:external", "n.external")
        .bool("admin_state_up", "n.admin_state_up").text("project_id", "n.project_id")
        .text("tenant_id", "n.project_id").integer("mtu", "n.mtu");
    for (String status : query.values("status")) {
      if (!status.equals("ACTIVE")) query.where("false");
    }
    Networks.visibleTo(query, token);
    networks.list(query)
        .onSuccess(list -> Replies.json(ctx, 200, query.reply("networks", "/v2.0/networks",
            list.stream().map(Network::toJson).toList())))
        .onFailure(ctx::fail);
  }

  private void show(RoutingContext ctx) {
    List<String> fields = ListQuery.fields(ctx);
    networks.visible(ctx.pathParam("id"), AuthHandler.token(ctx))
        .onSuccess(n -> Replies.json(ctx, 200, new JsonObject().put("network",
            ListQuery.trim(n.toJson(), fields))))
        .onFailure(ctx::fail);
  }

  private void update(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    JsonObject body = Replies.body(ctx, "network");
    Neutron.notUpdatable(body, "id", "project_id", "tenant_id", "status", "subnets");
    Neutron.onlyKnown(body, UPDATE);
    JsonObject changes = validate(body, token, "update_network");
    networks.owned(ctx.pathParam("id"), token, "update_network")
        .compose(n -> networks.update(n, changes))
        .onSuccess(n -> Replies.json(ctx, 200, new JsonObject().put("network", n.toJson())))
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    networks.owned(ctx.pathParam("id"), AuthHandler.token(ctx), "delete_network")
        .compose(n -> networks.delete(n.id()))
        .onSuccess(v -> Replies.noContent(ctx))
        .onFailure(ctx::fail);
  }

  /** The attributes Strato keeps, type-checked; sharing, external and provider attributes are admin-only. */
  private JsonObject validate(JsonObject body, Token token, String action) {
    JsonObject out = new JsonObject();
    String name = Fields.optionalString(body, "name", 255);
    if (name != null) out.put("name", name);
    String description = Fields.optionalString(body, "description", 255);
    if (description != null) out.put("description", description);
    Boolean up = Fields.optionalBoolean(body, "admin_state_up");
    if (up != null) out.put("admin_state_up", up);
    for (String adminOnly : new String[] {"shared", "router:external"}) {
      Boolean b = Fields.optionalBoolean(body, adminOnly);
      if (b == null) continue;
      if (b) NetworkPolicy.requireAdmin(token, action + ":" + adminOnly);
      out.put(adminOnly, b);
    }
    for (String provider : body.fieldNames()) {
      if (provider.startsWith("provider:")) NetworkPolicy.requireAdmin(token, action + ":" + provider);
    }
    Integer mtu = Fields.optionalInt(body, "mtu", 68, maxMtu);
    if (mtu != null) out.put("mtu", mtu);
    Fields.optionalBoolean(body, "port_security_enabled");
    JsonArray hints = Fields.optionalArray(body, "availability_zone_hints");
    if (hints != null && hints.stream().anyMatch(h -> !(h instanceof String zone) || zone.isEmpty()
        || zone.length() > 255)) {
      throw Neutron.badRequest("Invalid input for availability_zone_hints: it must be a list of zone names.");
    }
    return out;
  }
}
