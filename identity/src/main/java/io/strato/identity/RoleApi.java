package io.strato.identity;

import io.strato.common.auth.AuthHandler;
import io.strato.common.auth.Token;
import io.strato.common.http.Fields;
import io.strato.common.http.Replies;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code /v3/roles} and {@code /v3/role_assignments}. Deleting a role revokes every token carrying it. */
final class RoleApi {
  private final Roles roles;
  private final RevocationStore revocationStore;
  private final AuthHandler auth;

  RoleApi(Roles roles, RevocationStore revocationStore, AuthHandler auth) {
    this.roles = roles;
    this.revocationStore = revocationStore;
    this.auth = auth;
  }

  void mount(Router router) {
    router.get("/v3/roles").handler(auth).handler(this::list);
    router.post("/v3/roles").handler(auth).handler(this::create);
    router.get("/v3/roles/:id").handler(auth).handler(this::show);
    router.delete("/v3/roles/:id").handler(auth).handler(this::delete);
    router.get("/v3/role_assignments").handler(auth).handler(this::assignments);
  }

  private void list(RoutingContext ctx) {
    roles.list(ctx.queryParams().get("name"))
        .onSuccess(l -> Replies.json(ctx, 200, new JsonObject().put("roles", new JsonArray(l))
            .put("links", new JsonObject().put("self", null).put("next", null).put("previous", null))))
        .onFailure(ctx::fail);
  }

  private void create(RoutingContext ctx) {
    Policy.requireAdmin(AuthHandler.token(ctx), "identity:create_role");
    String name = Fields.requiredString(Replies.body(ctx, "role"), "name", 255);
    roles.create(name).onSuccess(r -> Replies.json(ctx, 201, new JsonObject().put("role", r))).onFailure(ctx::fail);
  }

  private void show(RoutingContext ctx) {
    roles.get(ctx.pathParam("id")).onSuccess(r -> Replies.json(ctx, 200, new JsonObject().put("role", r)))
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    Policy.requireAdmin(AuthHandler.token(ctx), "identity:delete_role");
    String id = ctx.pathParam("id");
    roles.delete(id).compose(v -> revocationStore.revokeRole(id))
        .onSuccess(v -> Replies.noContent(ctx)).onFailure(ctx::fail);
  }

  /** Members may list their own assignments ({@code user.id} = themselves); everything else needs admin. */
  private void assignments(RoutingContext ctx) {
    Token caller = AuthHandler.token(ctx);
    var q = ctx.queryParams();
    String userId = q.get("user.id");
    Policy.requireAdminOrSelf(caller, userId == null ? "" : userId, "identity:list_role_assignments");
    boolean includeNames = q.contains("include_names") && !"false".equalsIgnoreCase(q.get("include_names"));
    roles.assignments(userId, q.get("scope.project.id"), q.get("role.id"), includeNames)
        .onSuccess(l -> Replies.json(ctx, 200, new JsonObject().put("role_assignments", new JsonArray(l))
            .put("links", new JsonObject().put("self", null).put("next", null).put("previous", null))))
        .onFailure(ctx::fail);
  }
}
