package io.strato.network;

import io.strato.common.auth.AuthHandler;
import io.strato.common.auth.Token;
import io.strato.common.http.Fields;
import io.strato.common.http.Replies;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumMap;
import java.util.Map;

/**
 * Neutron's quotas extension: {@code GET /v2.0/quotas} (admin: projects with non-default limits),
 * {@code GET /v2.0/quotas/{project}} (admin, or the project itself), {@code .../default}, {@code .../details} (limit,
 * used, reserved), {@code PUT} and {@code DELETE} (admin). Limits are integers >= -1 (-1 is unlimited).
 */
final class QuotasApi {
  private final NetworkQuotas quotas;

  QuotasApi(NetworkQuotas quotas) {
    this.quotas = quotas;
  }

  void mount(Router api) {
    api.get("/v2.0/quotas").handler(this::list);
    api.get("/v2.0/quotas/:project/default").handler(this::defaults);
    api.get("/v2.0/quotas/:project/details").handler(this::details);
    api.get("/v2.0/quotas/:project").handler(this::show);
    api.put("/v2.0/quotas/:project").handler(this::update);
    api.delete("/v2.0/quotas/:project").handler(this::reset);
  }

  private void list(RoutingContext ctx) {
    requireAdmin(AuthHandler.token(ctx), "get_quota");
    quotas.customised().onSuccess(all -> {
      JsonArray out = new JsonArray();
      all.forEach((project, limits) -> out.add(toJson(limits).put("project_id", project).put("tenant_id", project)));
      Replies.json(ctx, 200, new JsonObject().put("quotas", out));
    }).onFailure(ctx::fail);
  }

  private void show(RoutingContext ctx) {
    String project = readable(ctx);
    quotas.limits(project).onSuccess(l -> Replies.json(ctx, 200, new JsonObject().put("quota", toJson(l))))
        .onFailure(ctx::fail);
  }

  private void defaults(RoutingContext ctx) {
    readable(ctx);
    Replies.json(ctx, 200, new JsonObject().put("quota", toJson(quotas.defaults())));
  }

  private void details(RoutingContext ctx) {
    String project = readable(ctx);
    Future.all(quotas.limits(project), quotas.usage(project)).onSuccess(all -> {
      Map<QuotaResource, Integer> limits = all.resultAt(0);
      Map<QuotaResource, Integer> used = all.resultAt(1);
      JsonObject out = new JsonObject();
      for (QuotaResource r : QuotaResource.values()) {
        out.put(r.key, new JsonObject().put("limit", limits.get(r)).put("used", used.get(r)).put("reserved", 0));
      }
      Replies.json(ctx, 200, new JsonObject().put("quota", out));
    }).onFailure(ctx::fail);
  }

  /** {@code PUT /v2.0/quotas/{project}}: {@code {"quota": {"port": 50, "network": -1}}}. */
  private void update(RoutingContext ctx) {
    requireAdmin(AuthHandler.token(ctx), "update_quota");
    JsonObject body = Replies.body(ctx, "quota");
    Map<QuotaResource, Integer> changes = new EnumMap<>(QuotaResource.class);
    for (String key : body.fieldNames()) {
      QuotaResource r = QuotaResource.byKey(key);
      if (r == null) throw Neutron.badRequest("Unrecognized attribute(s) '" + key + "'");
      changes.put(r, Fields.optionalInt(body, key, -1, Integer.MAX_VALUE));
    }
    changes.values().removeIf(java.util.Objects::isNull);
    quotas.update(ctx.pathParam("project"), changes)
        .onSuccess(l -> Replies.json(ctx, 200, new JsonObject().put("quota", toJson(l))))
        .onFailure(ctx::fail);
  }

  private void reset(RoutingContext ctx) {
    requireAdmin(AuthHandler.token(ctx), "delete_quota");
    quotas.reset(ctx.pathParam("project")).onSuccess(v -> Replies.noContent(ctx)).onFailure(ctx::fail);
  }

  /** The project in the path, if the caller is an admin or a member of it; 403 otherwise. */
  private static String readable(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    String project = ctx.pathParam("project");
    if (!token.isAdmin() && !project.equals(token.projectId())) throw Neutron.forbidden("get_quota");
    return project;
  }

  private static void requireAdmin(Token token, String action) {
    if (!token.isAdmin()) throw Neutron.forbidden(action);
  }

  private static JsonObject toJson(Map<QuotaResource, Integer> limits) {
    JsonObject out = new JsonObject();
    for (QuotaResource r : QuotaResource.values()) out.put(r.key, limits.get(r));
    return out;
  }
}
