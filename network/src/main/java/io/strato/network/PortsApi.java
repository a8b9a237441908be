package io.strato.network;

import io.strato.common.auth.AuthHandler;
import io.strato.common.auth.Token;
import io.strato.common.http.Fields;
import io.strato.common.http.Replies;
import io.strato.network.PortFields.FixedIp;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.UUID;

/** {@code /v2.0/ports}: create (201), list, show, update, delete (which releases the port's addresses). */
final class PortsApi {
  private final Networks networks;
  private final Ports ports;
  private final SecurityGroups groups;

  PortsApi(Networks networks, Ports ports, SecurityGroups groups) {
    this.networks = networks;
    this.ports = ports;
    this.groups = groups;
  }

  void mount(Router api) {
    api.post("/v2.0/ports").handler(this::create);
    api.get("/v2.0/ports").handler(this::list);
    api.get("/v2.0/ports/:id").handler(this::show);
    api.put("/v2.0/ports/:id").handler(this::update);
    api.delete("/v2.0/ports/:id").handler(this::delete);
  }

  private void create(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    JsonObject body = Replies.body(ctx, "port");
    NetworkPolicy.requireMember(token, "create_port");
    Neutron.onlyKnown(body, PortFields.CREATE);
    String networkId = Fields.requiredString(body, "network_id", 64);
    JsonObject fields = PortFields.validate(body, token, "create_port");
    String mac = PortFields.mac(body);
    List<FixedIp> fixedIps = PortFields.fixedIps(body);
    List<String> asked = PortFields.securityGroups(body);
    String owner = Neutron.owner(body, token, "port");
    String idempotencyKey = idempotencyKey(ctx);
    boolean secured = fields.getBoolean("port_security_enabled", true);
    if (!secured && asked != null && !asked.isEmpty()) throw securityConflict();
    networks.visible(networkId, token)
        .compose(n -> securityGroups(asked, secured, fields.getString("device_owner", ""), owner)
            .compose(sg -> ports.create(new Ports.NewPort(UUID.randomUUID().toString(), n.id(), owner, mac, fields,
                fixedIps, sg, idempotencyKey))))
        .onSuccess(p -> Replies.json(ctx, 201, new JsonObject().put("port", p.toJson())))
        .onFailure(ctx::fail);
  }

  /**
   * The create's {@code Idempotency-Key} header (a Strato extension; the compute agent sends one per build step's
   * port), or null: one port per project and key, a repeated create answering the first one's port.
   */
  private static String idempotencyKey(RoutingContext ctx) {
    String key = ctx.request().getHeader("Idempotency-Key");
    if (key == null) return null;
    if (key.isEmpty() || key.length() > 255 || key.chars().anyMatch(Character::isISOControl)) {
      throw Neutron.badRequest("Idempotency-Key must be 1 to 255 printable characters.");
    }
    return key;
  }

  /** The groups asked for (each must be the project's), or the project's default group for an ordinary port. */
  private Future<List<String>> securityGroups(List<String> asked, boolean secured, String deviceOwner, String project) {
    if (asked != null) return groups.ownedBy(asked, project);
    if (!secured || deviceOwner.startsWith("network:")) return Future.succeededFuture(List.of());
    return groups.ensureDefault(project).map(List::of);
  }

  private void list(RoutingContext ctx) {
    ListQuery query = ListQuery.from(ctx, "p").uuid("id", "p.id").text("name", "p.name")
        .uuid("network_id", "p.network_id").text("device_id", "p.device_id").text("device_owner", "p.device_owner")
        .text("mac_address", "p.mac_address").text("status", "p.status").text("project_id", "p.project_id")
        .text("tenant_id", "p.project_id").bool("admin_state_up", "p.admin_state_up")
        .text("binding:host_id", "p.host_id").text("description", "p.description");
    for (String group : query.values("security_groups")) {
      query.where("EXISTS (SELECT 1 FROM port_security_groups g WHERE g.port_id = p.id"
          + " AND g.security_group_id::text = $?)", group);
    }
    for (String fixed : query.values("fixed_ips")) fixedIpFilter(query, fixed);
    Ports.visibleTo(query, AuthHandler.token(ctx));
    ports.list(query)
        .onSuccess(list -> Replies.json(ctx, 200, query.reply("ports", "/v2.0/ports",
            list.stream().map(Port::toJson).toList())))
        .onFailure(ctx::fail);
  }

  /** {@code fixed_ips=ip_address=10.0.0.5} or {@code fixed_ips=subnet_id=<id>}, as the CLI sends them. */
  private static void fixedIpFilter(ListQuery query, String filter) {
    int eq = filter.indexOf('=');
    String key = eq < 0 ? "" : filter.substring(0, eq);
    String value = eq < 0 ? "" : filter.substring(eq + 1);
    switch (key) {
      case "ip_address" -> {
        Ip ip = Ip.parseOrNull(value);
        if (ip == null) throw Neutron.badRequest("Invalid input for fixed_ips filter: '" + value + "' is not an IP.");
        query.where("EXISTS (SELECT 1 FROM ip_allocations a WHERE a.port_id = p.id"
            + " AND a.ip_address = $?::text::inet)", ip.toString());
      }
      case "subnet_id" -> query.where("EXISTS (SELECT 1 FROM ip_allocations a WHERE a.port_id = p.id"
          + " AND a.subnet_id::text = $?)", String.valueOf(Neutron.uuidOrNull(value)));
      case "ip_address_substr" -> query.where("EXISTS (SELECT 1 FROM ip_allocations a WHERE a.port_id = p.id"
          + " AND strpos(host(a.ip_address), $?) > 0)", value);
      default -> throw Neutron.badRequest("Invalid fixed_ips filter '" + filter + "': use ip_address=, subnet_id= or"
          + " ip_address_substr=.");
    }
  }

  private void show(RoutingContext ctx) {
    List<String> fields = ListQuery.fields(ctx);
    ports.visible(ctx.pathParam("id"), AuthHandler.token(ctx))
        .onSuccess(p -> Replies.json(ctx, 200, new JsonObject().put("port",
            ListQuery.trim(p.toJson(), fields))))
        .onFailure(ctx::fail);
  }

  private void update(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    JsonObject body = Replies.body(ctx, "port");
    Neutron.notUpdatable(body, "id", "network_id", "project_id", "tenant_id", "mac_address", "status");
    Neutron.onlyKnown(body, PortFields.UPDATE);
    JsonObject fields = PortFields.validate(body, token, "update_port");
    List<String> asked = PortFields.securityGroups(body);
    List<FixedIp> fixedIps = PortFields.fixedIps(body);
    ports.visible(ctx.pathParam("id"), token).map(NetworkPolicy.member(token, "update_port")).compose(p -> {
      boolean secured = fields.getBoolean("port_security_enabled", p.portSecurityEnabled());
      List<String> finalGroups = asked != null ? asked : p.securityGroups();
      if (!secured && !finalGroups.isEmpty()) throw securityConflict();
      Future<List<String>> checked = asked == null ? Future.succeededFuture(null) : groups.ownedBy(asked, p.projectId());
      return checked.compose(sg -> ports.update(p, fields, sg, fixedIps));
    }).onSuccess(p -> Replies.json(ctx, 200, new JsonObject().put("port", p.toJson()))).onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    ports.visible(ctx.pathParam("id"), token).map(NetworkPolicy.member(token, "delete_port"))
        .compose(p -> ports.delete(p.id()))
        .onSuccess(v -> Replies.noContent(ctx))
        .onFailure(ctx::fail);
  }

  private static io.strato.common.http.ApiException securityConflict() {
    return Neutron.conflict("PortSecurityAndIPRequiredForSecurityGroups", "Port security must be enabled and port"
        + " must have an IP address in order to use security groups.");
  }
}
