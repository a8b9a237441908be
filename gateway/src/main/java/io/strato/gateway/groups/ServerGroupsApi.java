package io.strato.gateway.groups;

import io.strato.common.http.ApiVersion;
import io.strato.common.auth.AuthHandler;
import io.strato.common.auth.Token;
import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.strato.common.http.Replies;
import io.strato.gateway.ComputePolicy;
import io.strato.gateway.Microversion;
import io.strato.gateway.quotas.Quotas;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.List;

/** {@code /os-server-groups}: affinity and anti-affinity groups (soft variants from 2.15). */
public final class ServerGroupsApi {
  private final ServerGroups groups;
  private final Quotas quotas;

  public ServerGroupsApi(ServerGroups groups, Quotas quotas) {
    this.groups = groups;
    this.quotas = quotas;
  }

  public void mount(Router api) {
    api.get("/os-server-groups").handler(this::list);
    api.post("/os-server-groups").handler(this::create);
    api.get("/os-server-groups/:id").handler(this::show);
    api.delete("/os-server-groups/:id").handler(this::delete);
  }

  private void list(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    boolean all = token.isAdmin() && "true".equalsIgnoreCase(ctx.queryParams().get("all_projects"));
    groups.list(all ? null : token.projectId()).onSuccess(list -> {
      JsonArray out = new JsonArray();
      list.forEach(g -> out.add(view(g, Microversion.of(ctx))));
      Replies.json(ctx, 200, new JsonObject().put("server_groups", out));
    }).onFailure(ctx::fail);
  }

  private void create(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    ComputePolicy.requireMember(token, "os_compute_api:os-server-groups:create");
    JsonObject body = Replies.body(ctx, "server_group");
    Fields.onlyKnown(body, "server_group", Set.of("name", "policies"));
    String name = Fields.requiredString(body, "name", 255);
    JsonArray policies = Fields.optionalArray(body, "policies");
    if (policies == null || policies.size() != 1 || !(policies.getValue(0) instanceof String)) {
      throw ApiException.badRequest("Invalid input for field 'policies': exactly one policy is required.");
    }
    String policy = policies.getString(0);
    List<String> allowed = Microversion.of(ctx).atLeast(15)
        ? List.of("affinity", "anti-affinity", "soft-affinity", "soft-anti-affinity")
        : List.of("affinity", "anti-affinity");
    if (!allowed.contains(policy)) {
      throw ApiException.badRequest("Invalid input for field 'policies': '" + policy + "' is not one of " + allowed);
    }
    quotas.limitsFor(token.projectId())
        .compose(l -> groups.create(name, policy, token.projectId(), token.userId(), l.serverGroups()))
        .onSuccess(g -> Replies.json(ctx, 200, new JsonObject().put("server_group", view(g, Microversion.of(ctx)))))
        .onFailure(ctx::fail);
  }

  private void show(RoutingContext ctx) {
    String id = notFoundUnlessUuid(ctx.pathParam("id"));
    groups.get(id).onSuccess(g -> {
      if (!ComputePolicy.canSee(AuthHandler.token(ctx), g.getString("project_id"))) {
        ctx.fail(ApiException.notFound("Instance group " + id + " could not be found."));
      } else {
        Replies.json(ctx, 200, new JsonObject().put("server_group", view(g, Microversion.of(ctx))));
      }
    }).onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    ComputePolicy.requireMember(token, "os_compute_api:os-server-groups:delete");
    String id = notFoundUnlessUuid(ctx.pathParam("id"));
    groups.get(id).compose(g -> {
      if (!ComputePolicy.canSee(token, g.getString("project_id"))) {
        throw ApiException.notFound("Instance group " + id + " could not be found.");
      }
      return groups.delete(id);
    }).onSuccess(v -> Replies.noContent(ctx)).onFailure(ctx::fail);
  }

  private static String notFoundUnlessUuid(String id) {
    if (!Fields.isUuid(id)) throw ApiException.notFound("Instance group " + id + " could not be found.");
    return Fields.uuid(id, "id");
  }

  private static JsonObject view(JsonObject g, ApiVersion v) {
    JsonObject out = new JsonObject().put("id", g.getString("id")).put("name", g.getString("name"))
        .put("policies", new JsonArray().add(g.getString("policy"))).put("members", g.getJsonArray("members"))
        .put("metadata", new JsonObject());
    if (v.atLeast(13)) out.put("project_id", g.getString("project_id")).put("user_id", g.getString("user_id"));
    return out;
  }
}
