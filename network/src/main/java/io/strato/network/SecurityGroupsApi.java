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
import java.util.Set;

/**
 * {@code /v2.0/security-groups} and {@code /v2.0/security-group-rules}. The {@code default} group cannot be renamed
 * or (by a member) deleted, and no other group may take its name; a group some port uses cannot be deleted.
 */
final class SecurityGroupsApi {
  private static final Set<String> CREATE = Set.of("name", "description", "stateful", "project_id", "tenant_id");
  private static final Set<String> UPDATE = Set.of("name", "description", "stateful");
  private final SecurityGroups groups;

  SecurityGroupsApi(SecurityGroups groups) {
    this.groups = groups;
  }

  void mount(Router api) {
    api.post("/v2.0/security-groups").handler(this::create);
    api.get("/v2.0/security-groups").handler(this::list);
    api.get("/v2.0/security-groups/:id").handler(this::show);
    api.put("/v2.0/security-groups/:id").handler(this::update);
    api.delete("/v2.0/security-groups/:id").handler(this::delete);
    api.post("/v2.0/security-group-rules").handler(this::createRule);
    api.get("/v2.0/security-group-rules").handler(this::listRules);
    api.get("/v2.0/security-group-rules/:id").handler(this::showRule);
    api.delete("/v2.0/security-group-rules/:id").handler(this::deleteRule);
  }

  private void create(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    JsonObject body = Replies.body(ctx, "security_group");
    NetworkPolicy.requireMember(token, "create_security_group");
    Neutron.onlyKnown(body, CREATE);
    JsonObject fields = validate(body);
    if ("default".equals(fields.getString("name"))) throw defaultExists();
    String owner = Neutron.owner(body, token, "security_group");
    groups.ensureDefault(owner).compose(d -> groups.insert(owner, fields))
        .onSuccess(g -> Replies.json(ctx, 201, new JsonObject().put("security_group", g.toJson())))
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    ListQuery query = ListQuery.from(ctx, "g").uuid("id", "g.id").text("name", "g.name")
        .text("description", "g.description").text("project_id", "g.project_id").text("tenant_id", "g.project_id")
        .bool("stateful", "g.stateful");
    SecurityGroups.visibleTo(query, token, "g");
    groups.ensureDefault(token.projectId()).compose(d -> groups.list(query))
        .onSuccess(list -> Replies.json(ctx, 200, query.reply("security_groups", "/v2.0/security-groups",
            list.stream().map(SecurityGroup::toJson).toList())))
        .onFailure(ctx::fail);
  }

  private void show(RoutingContext ctx) {
    List<String> fields = ListQuery.fields(ctx);
    groups.visible(ctx.pathParam("id"), AuthHandler.token(ctx))
        .onSuccess(g -> Replies.json(ctx, 200, new JsonObject().put("security_group",
            ListQuery.trim(g.toJson(), fields))))
        .onFailure(ctx::fail);
  }

  private void update(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    JsonObject body = Replies.body(ctx, "security_group");
    Neutron.notUpdatable(body, "id", "project_id", "tenant_id", "security_group_rules");
    Neutron.onlyKnown(body, UPDATE);
    JsonObject fields = validate(body);
    groups.visible(ctx.pathParam("id"), token).map(NetworkPolicy.member(token, "update_security_group")).compose(g -> {
      String name = fields.getString("name");
      if (name != null && !name.equals(g.name())) {
        if (g.isDefault()) {
          throw Neutron.conflict("SecurityGroupCannotUpdateDefault", "Updating default security group not allowed.");
        }
        if (name.equals("default")) throw defaultExists();
      }
      return groups.update(g, fields);
    }).onSuccess(g -> Replies.json(ctx, 200, new JsonObject().put("security_group", g.toJson())))
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    groups.visible(ctx.pathParam("id"), token).map(NetworkPolicy.member(token, "delete_security_group")).compose(g -> {
      if (g.isDefault() && !token.isAdmin()) {
        throw Neutron.conflict("SecurityGroupCannotRemoveDefault", "Insufficient rights for removing default"
            + " security group.");
      }
      return groups.delete(g.id());
    }).onSuccess(v -> Replies.noContent(ctx)).onFailure(ctx::fail);
  }

  private void createRule(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    JsonObject body = Replies.body(ctx, "security_group_rule");
    NetworkPolicy.requireMember(token, "create_security_group_rule");
    Neutron.onlyKnown(body, RuleFields.CREATE);
    String groupId = Fields.requiredString(body, "security_group_id", 64);
    String remoteGroupId = Fields.optionalString(body, "remote_group_id", 64);
    JsonObject fields = RuleFields.validate(body);
    if (remoteGroupId != null && fields.getString("remote_ip_prefix") != null) {
      throw new io.strato.common.http.ApiException(400, "SecurityGroupRemoteGroupAndRemoteIpPrefix", "Only remote_ip_prefix"
          + " or remote_group_id may be provided.");
    }
    groups.visible(groupId, token)
        .compose(g -> remoteGroupId == null ? Future.succeededFuture(g)
            : groups.visible(remoteGroupId, token).map(remote -> g))
        .compose(g -> groups.insertRule(g, fields, remoteGroupId == null ? null : Neutron.uuidOrNull(remoteGroupId)))
        .onSuccess(r -> Replies.json(ctx, 201, new JsonObject().put("security_group_rule", r.toJson())))
        .onFailure(ctx::fail);
  }

  private void listRules(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    ListQuery query = ListQuery.from(ctx, "r").uuid("id", "r.id").uuid("security_group_id", "r.security_group_id")
        .text("direction", "r.direction").text("ethertype", "r.ethertype").text("protocol", "r.protocol")
        .uuid("remote_group_id", "r.remote_group_id").text("remote_ip_prefix", "r.remote_ip_prefix")
        .integer("port_range_min", "r.port_range_min").integer("port_range_max", "r.port_range_max")
        .text("project_id", "r.project_id").text("tenant_id", "r.project_id");
    SecurityGroups.visibleTo(query, token, "r");
    groups.listRules(query)
        .onSuccess(list -> Replies.json(ctx, 200, query.reply("security_group_rules", "/v2.0/security-group-rules",
            list.stream().map(SecurityGroupRule::toJson).toList())))
        .onFailure(ctx::fail);
  }

  private void showRule(RoutingContext ctx) {
    List<String> fields = ListQuery.fields(ctx);
    groups.visibleRule(ctx.pathParam("id"), AuthHandler.token(ctx))
        .onSuccess(r -> Replies.json(ctx, 200, new JsonObject().put("security_group_rule",
            ListQuery.trim(r.toJson(), fields))))
        .onFailure(ctx::fail);
  }

  private void deleteRule(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    groups.visibleRule(ctx.pathParam("id"), token).map(NetworkPolicy.member(token, "delete_security_group_rule"))
        .compose(r -> groups.deleteRule(r.id()))
        .onSuccess(v -> Replies.noContent(ctx))
        .onFailure(ctx::fail);
  }

  private static JsonObject validate(JsonObject body) {
    JsonObject out = new JsonObject();
    String name = Fields.optionalString(body, "name", 255);
    if (name != null) out.put("name", name);
    String description = Fields.optionalString(body, "description", 255);
    if (description != null) out.put("description", description);
    Boolean stateful = Fields.optionalBoolean(body, "stateful");
    if (stateful != null) out.put("stateful", stateful);
    return out;
  }

  private static io.strato.common.http.ApiException defaultExists() {
    return Neutron.conflict("SecurityGroupDefaultAlreadyExists", "Default security group already exists.");
  }
}
