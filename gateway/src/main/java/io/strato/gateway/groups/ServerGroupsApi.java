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
    ApiVersion version = Microversion.of(ctx);
    String policy = version.atLeast(64) ? policyFrom264(body) : policyFromPolicies(body);
    String name = Fields.requiredString(body, "name", 255);
    List<String> allowed = version.atLeast(15)
        ? List.of("affinity", "anti-affinity", "soft-affinity", "soft-anti-affinity")
        : List.of("affinity", "anti-affinity");
    if (!allowed.contains(policy)) {
      throw ApiException.badRequest("Invalid input for field '" + (version.atLeast(64) ? "policy" : "policies")
          + "': '" + policy + "' is not one of " + allowed);
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

  /** Before 2.64: {@code policies}, a list of exactly one policy. */
  private static String policyFromPolicies(JsonObject body) {
    Fields.onlyKnown(body, "server_group", Set.of("name", "policies"));
    JsonArray policies = Fields.optionalArray(body, "policies");
    if (policies == null || policies.size() != 1 || !(policies.getValue(0) instanceof String)) {
      throw ApiException.badRequest("Invalid input for field 'policies': exactly one policy is required.");
    }
    return policies.getString(0);
  }

  /**
   * From 2.64: one {@code policy} and its {@code rules}. Nova's only rule, {@code max_server_per_host} (anti-affinity
   * only), is refused: the scheduler's anti-affinity allows one server per host.
   */
  private static String policyFrom264(JsonObject body) {
    Fields.onlyKnown(body, "server_group", Set.of("name", "policy", "rules"));
    String policy = Fields.requiredString(body, "policy", 255);
    JsonObject rules = Fields.optionalObject(body, "rules");
    if (rules != null && !rules.isEmpty()) {
      Fields.onlyKnown(rules, "rules", Set.of("max_server_per_host"));
      if (!policy.equals("anti-affinity")) {
        throw ApiException.badRequest("Only anti-affinity policy supports rules.");
      }
      throw ApiException.badRequest("Invalid input for field 'rules': max_server_per_host is not supported.");
    }
    return policy;
  }

  private static String notFoundUnlessUuid(String id) {
    if (!Fields.isUuid(id)) throw ApiException.notFound("Instance group " + id + " could not be found.");
    return Fields.uuid(id, "id");
  }

  private static JsonObject view(JsonObject g, ApiVersion v) {
    JsonObject out = new JsonObject().put("id", g.getString("id")).put("name", g.getString("name"))
        .put("members", g.getJsonArray("members"));
    // 2.64 replaced the one-element policies list and the always-empty metadata with policy and rules.
    if (v.atLeast(64)) {
      out.put("policy", g.getString("policy")).put("rules", new JsonObject());
    } else {
      out.put("policies", new JsonArray().add(g.getString("policy"))).put("metadata", new JsonObject());
    }
    if (v.atLeast(13)) out.put("project_id", g.getString("project_id")).put("user_id", g.getString("user_id"));
    return out;
  }
}
