package io.strato.identity;

import io.strato.common.auth.AuthHandler;
import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.strato.common.http.Replies;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /v3/users}. Disabling a user or changing its password revokes every token it holds (a revocation event),
 * which every service applies within one revocation poll.
 */
final class UserApi {
  private final Users users;
  private final Projects projects;
  private final RevocationStore revocationStore;
  private final PasswordWorkers passwords;
  private final AuthHandler auth;

  UserApi(Users users, Projects projects, RevocationStore revocationStore, PasswordWorkers passwords,
      AuthHandler auth) {
    this.users = users;
    this.projects = projects;
    this.revocationStore = revocationStore;
    this.passwords = passwords;
    this.auth = auth;
  }

  void mount(Router router) {
    router.get("/v3/users").handler(auth).handler(this::list);
    router.post("/v3/users").handler(auth).handler(this::create);
    router.get("/v3/users/:id").handler(auth).handler(this::show);
    router.patch("/v3/users/:id").handler(auth).handler(this::update);
    router.delete("/v3/users/:id").handler(auth).handler(this::delete);
    router.get("/v3/users/:id/projects").handler(auth).handler(this::projectsOf);
  }

  private void list(RoutingContext ctx) {
    Policy.requireAdmin(AuthHandler.token(ctx), "identity:list_users");
    users.list(ctx.queryParams().get("name"), ctx.queryParams().get("domain_id"))
        .onSuccess(l -> Replies.json(ctx, 200, new JsonObject().put("users", new JsonArray(l))
            .put("links", new JsonObject().put("self", null).put("next", null).put("previous", null))))
        .onFailure(ctx::fail);
  }

  private void create(RoutingContext ctx) {
    Policy.requireAdmin(AuthHandler.token(ctx), "identity:create_user");
    JsonObject u = Replies.body(ctx, "user");
    String name = Fields.requiredString(u, "name", 255);
    String domainId = ProjectApi.defaultDomain(Fields.optionalString(u, "domain_id", 64));
    String password = Fields.optionalString(u, "password", 4096);
    Boolean enabled = Fields.optionalBoolean(u, "enabled");
    String defaultProject = Fields.optionalString(u, "default_project_id", 64);
    String email = Fields.optionalString(u, "email", 255);
    String description = Fields.optionalString(u, "description", 65535);
    Future<Void> projectExists = defaultProject == null ? Future.succeededFuture()
        : projects.get(defaultProject).mapEmpty();
    projectExists
        .compose(v -> password == null ? Future.succeededFuture((String) null)
            : passwords.hash(password))
        .compose(hash -> users.create(name, domainId, hash, enabled == null || enabled, defaultProject, email,
            description))
        .onSuccess(created -> Replies.json(ctx, 201, new JsonObject().put("user", created)))
        .onFailure(ctx::fail);
  }

  private void show(RoutingContext ctx) {
    Policy.requireAdminOrSelf(AuthHandler.token(ctx), ctx.pathParam("id"), "identity:get_user");
    users.get(ctx.pathParam("id")).onSuccess(u -> Replies.json(ctx, 200, new JsonObject().put("user", u)))
        .onFailure(ctx::fail);
  }

  private void update(RoutingContext ctx) {
    Policy.requireAdmin(AuthHandler.token(ctx), "identity:update_user");
    String id = ctx.pathParam("id");
    JsonObject u = Replies.body(ctx, "user");
    Fields.optionalString(u, "name", 255);
    Boolean enabled = Fields.optionalBoolean(u, "enabled");
    String password = Fields.optionalString(u, "password", 4096);
    Fields.optionalString(u, "default_project_id", 64);
    Fields.optionalString(u, "email", 255);
    Fields.optionalString(u, "description", 65535);
    boolean revokesTokens = password != null || Boolean.FALSE.equals(enabled);
    (password == null ? Future.succeededFuture((String) null) : passwords.hash(password))
        .compose(hash -> users.update(id, u, hash))
        .compose(updated -> !revokesTokens ? Future.succeededFuture(updated)
            : revocationStore.revokeUser(id).map(v -> updated))
        .onSuccess(updated -> Replies.json(ctx, 200, new JsonObject().put("user", updated)))
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    Policy.requireAdmin(AuthHandler.token(ctx), "identity:delete_user");
    String id = ctx.pathParam("id");
    users.delete(id).compose(v -> revocationStore.revokeUser(id))
        .onSuccess(v -> Replies.noContent(ctx))
        .onFailure(ctx::fail);
  }

  private void projectsOf(RoutingContext ctx) {
    Policy.requireAdminOrSelf(AuthHandler.token(ctx), ctx.pathParam("id"), "identity:list_user_projects");
    projects.forUser(ctx.pathParam("id"))
        .onSuccess(l -> Replies.json(ctx, 200, new JsonObject().put("projects", new JsonArray(l))))
        .onFailure(ctx::fail);
  }

}
