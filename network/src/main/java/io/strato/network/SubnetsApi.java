package io.strato.network;

import io.strato.common.auth.AuthHandler;
import io.strato.common.auth.Token;
import io.strato.common.http.Fields;
import io.strato.common.http.Replies;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.UUID;

/** {@code /v2.0/subnets}: create, list, show, update, delete. */
final class SubnetsApi {
  private final Networks networks;
  private final Subnets subnets;

  SubnetsApi(Networks networks, Subnets subnets) {
    this.networks = networks;
    this.subnets = subnets;
  }

  void mount(Router api) {
    api.post("/v2.0/subnets").handler(this::create);
    api.get("/v2.0/subnets").handler(this::list);
    api.get("/v2.0/subnets/:id").handler(this::show);
    api.put("/v2.0/subnets/:id").handler(this::update);
    api.delete("/v2.0/subnets/:id").handler(this::delete);
  }

  private void create(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    JsonObject body = Replies.body(ctx, "subnet");
    Neutron.onlyKnown(body, SubnetFields.CREATE);
    String networkId = Fields.requiredString(body, "network_id", 36);
    Cidr cidr = SubnetFields.cidr(body);
    Ip gateway = SubnetFields.gateway(body, cidr);
    AllocationPools pools = body.getValue("allocation_pools") == null
        ? AllocationPools.defaults(cidr, gateway)
        : AllocationPools.parse(body.getValue("allocation_pools"), cidr, gateway);
    JsonObject fields = SubnetFields.plain(body, cidr.version());
    String owner = Neutron.owner(body, token, "subnet");
    networks.owned(networkId, token, "create_subnet")
        .compose(n -> subnets.insert(UUID.randomUUID().toString(), n.id(), owner, cidr, gateway, pools, fields))
        .onSuccess(s -> Replies.json(ctx, 201, new JsonObject().put("subnet", s.toJson())))
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    ListQuery query = ListQuery.from(ctx, "s").uuid("id", "s.id").text("name", "s.name")
        .uuid("network_id", "s.network_id").integer("ip_version", "s.ip_version").text("cidr", "s.cidr")
        .text("gateway_ip", "host(s.gateway_ip)").bool("enable_dhcp", "s.enable_dhcp")
        .text("project_id", "s.project_id").text("tenant_id", "s.project_id").text("description", "s.description");
    Subnets.visibleTo(query, AuthHandler.token(ctx));
    subnets.list(query)
        .onSuccess(list -> Replies.json(ctx, 200, query.reply("subnets", "/v2.0/subnets",
            list.stream().map(Subnet::toJson).toList())))
        .onFailure(ctx::fail);
  }

  private void show(RoutingContext ctx) {
    List<String> fields = ListQuery.fields(ctx);
    subnets.visible(ctx.pathParam("id"), AuthHandler.token(ctx))
        .onSuccess(s -> Replies.json(ctx, 200, new JsonObject().put("subnet",
            ListQuery.trim(s.toJson(), fields))))
        .onFailure(ctx::fail);
  }

  /**
   * Name, description, DHCP, DNS servers, host routes, and the gateway and pools (re-checked together: the gateway
   * may not fall in a pool, nor be an address a port holds). Addresses already handed out stay where they are.
   */
  private void update(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    JsonObject body = Replies.body(ctx, "subnet");
    Neutron.notUpdatable(body, "id", "network_id", "ip_version", "cidr", "project_id", "tenant_id", "subnetpool_id",
        "ipv6_ra_mode", "ipv6_address_mode");
    Neutron.onlyKnown(body, SubnetFields.UPDATE);
    subnets.owned(ctx.pathParam("id"), token, "update_subnet").compose(s -> {
      JsonObject fields = SubnetFields.plain(body, s.ipVersion());
      Ip gateway = body.containsKey("gateway_ip") ? SubnetFields.explicitGateway(body.getValue("gateway_ip"),
          s.cidr()) : s.gateway();
      AllocationPools pools = body.containsKey("allocation_pools")
          ? AllocationPools.parse(body.getValue("allocation_pools"), s.cidr(), gateway)
          : s.pools();
      if (gateway != null && pools.contains(gateway)) {
        throw Neutron.conflict("GatewayConflictWithAllocationPools", "Gateway ip " + gateway
            + " conflicts with allocation pool " + pools.toJson().encode() + ".");
      }
      Future<Void> gatewayFree = gateway == null || gateway.equals(s.gateway()) ? Future.succeededFuture()
          : subnets.allocated(s.id(), gateway).map(taken -> {
            if (taken) throw Neutron.conflict("GatewayIpInUse", "Gateway ip " + gateway + " is in use by a port.");
            return null;
          });
      return gatewayFree.compose(v -> subnets.update(s, fields, gateway, pools));
    }).onSuccess(s -> Replies.json(ctx, 200, new JsonObject().put("subnet", s.toJson()))).onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    subnets.owned(ctx.pathParam("id"), AuthHandler.token(ctx), "delete_subnet")
        .compose(s -> subnets.delete(s.id()))
        .onSuccess(v -> Replies.noContent(ctx))
        .onFailure(ctx::fail);
  }
}
