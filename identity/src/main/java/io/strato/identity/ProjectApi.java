package io.strato.identity;

import io.strato.common.auth.AuthHandler;
import io.strato.common.auth.Token;
import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.strato.common.http.Replies;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /v3/projects} and the role grants under {@code /v3/projects/{p}/users/{u}/roles}. Disabling or deleting a
 * project revokes every token scoped to it; removing a role assignment revokes the user's tokens on that project
 * (a revocation event, applied by every service within one revocation poll).
 */
final class ProjectApi {
  private final Projects projects;
  private final Users users;
  private final Roles roles;
  private final RevocationStore revocationStore;
  private final AuthHandler auth;

  ProjectApi(Projects projects, Users users, Roles roles, RevocationStore revocationStore, AuthHandler auth) {
    this.projects = projects;
    this.users = users;
    this.roles = roles;
    this.revocationStore = revocationStore;
    this.auth = auth;
  }

  void mount(Router router) {
    router.get("/v3/projects").handler(auth).handler(this::list);
    router.post("/v3/projects").handler(auth).handler(this::create);
    router.get("/v3/projects/:id").handler(auth).handler(this::show);
    router.patch("/v3/projects/:id").handler(auth).handler(this::update);
    router.delete("/v3/projects/:id").handler(auth).handler(this::delete);
    router.get("/v3/projects/:p/users/:u/roles").handler(auth).handler(this::listGrants);
    router.put("/v3/projects/:p/users/:u/roles/:r").handler(auth).handler(this::grant);
    router.head("/v3/projects/:p/users/:u/roles/:r").handler(auth).handler(this::checkGrant);
    router.get("/v3/projects/:p/users/:u/roles/:r").handler(auth).handler(this::checkGrant);
    router.delete("/v3/projects/:p/users/:u/roles/:r").handler(auth).handler(this::revokeGrant);
  }

  /**
   * Admins only, as Keystone's {@code identity:list_projects}: a member's 403 is what clients expect (the CLI then
   * takes a project it cannot look up as an id), and its own projects are at {@code /v3/auth/projects}.
   */
  private void list(RoutingContext ctx) {
    Policy.requireAdmin(AuthHandler.token(ctx), "identity:list_projects");
    projects.list(ctx.queryParams().get("name"), ctx.queryParams().get("domain_id")).onSuccess(l -> Replies.json(ctx, 200, new JsonObject().put("projects", new JsonArray(l))
            .put("links", new JsonObject().put("self", null).put("next", null).put("previous", null))))
        .onFailure(ctx::fail);
  }

  private void create(RoutingContext ctx) {
    Policy.requireAdmin(AuthHandler.token(ctx), "identity:create_project");
    JsonObject p = Replies.body(ctx, "project");
    String name = Fields.requiredString(p, "name", 64);
    String domainId = defaultDomain(Fields.optionalString(p, "domain_id", 64));
    String description = Fields.optionalString(p, "description", 65535);
    Boolean enabled = Fields.optionalBoolean(p, "enabled");
    checkTags(p);
    projects.create(name, domainId, description == null ? "" : description, enabled == null || enabled)
        .onSuccess(created -> Replies.json(ctx, 201, new JsonObject().put("project", created)))
        .onFailure(ctx::fail);
  }

  private void show(RoutingContext ctx) {
    Token caller = AuthHandler.token(ctx);
    String id = ctx.pathParam("id");
    if (!caller.isAdmin() && !id.equals(caller.projectId())) {
      // Nova-style: do not reveal whether a project the caller cannot see exists.
      throw ApiException.forbidden("You are not authorized to perform the requested action: identity:get_project.");
    }
    projects.get(id).onSuccess(p -> Replies.json(ctx, 200, new JsonObject().put("project", p))).onFailure(ctx::fail);
  }

  private void update(RoutingContext ctx) {
    Policy.requireAdmin(AuthHandler.token(ctx), "identity:update_project");
    JsonObject p = Replies.body(ctx, "project");
    Fields.optionalString(p, "name", 64);
    Fields.optionalString(p, "description", 65535);
    checkTags(p);
    boolean disables = Boolean.FALSE.equals(Fields.optionalBoolean(p, "enabled"));
    String id = ctx.pathParam("id");
    projects.update(id, p)
        .compose(updated -> disables ? revocationStore.revokeProject(id).map(v -> updated)
            : Future.succeededFuture(updated))
        .onSuccess(updated -> Replies.json(ctx, 200, new JsonObject().put("project", updated)))
        .onFailure(ctx::fail);
  }

  /**
   * Keystone's project tags schema: at most 80 strings of 1 to 255 characters without '/' or ','. (Strato does not
   * keep tags yet; a malformed list is still refused rather than ignored.)
   */
  private static void checkTags(JsonObject p) {
    Object tags = p.getValue("tags");
    if (tags == null) return;
    if (!(tags instanceof JsonArray list) || list.size() > 80) {
      throw ApiException.badRequest("Invalid input for field 'tags': it must be a list of at most 80 strings.");
    }
    for (Object t : list) {
      if (!(t instanceof String s) || s.isEmpty() || s.length() > 255 || s.contains("/") || s.contains(",")) {
        throw ApiException.badRequest("Invalid input for field 'tags': '" + t + "' is not a valid tag.");
      }
    }
  }

  private void delete(RoutingContext ctx) {
    Policy.requireAdmin(AuthHandler.token(ctx), "identity:delete_project");
    String id = ctx.pathParam("id");
    projects.delete(id).compose(v -> revocationStore.revokeProject(id))
        .onSuccess(v -> Replies.noContent(ctx)).onFailure(ctx::fail);
  }

  private Future<Void> grantTargetsExist(RoutingContext ctx) {
    return projects.get(ctx.pathParam("p")).compose(p -> users.get(ctx.pathParam("u")))
        .compose(u -> roles.get(ctx.pathParam("r"))).mapEmpty();
  }

  private void grant(RoutingContext ctx) {
    Policy.requireAdmin(AuthHandler.token(ctx), "identity:create_grant");
    grantTargetsExist(ctx).compose(v -> roles.grant(ctx.pathParam("p"), ctx.pathParam("u"), ctx.pathParam("r")))
        .onSuccess(v -> Replies.noContent(ctx)).onFailure(ctx::fail);
  }

  private void checkGrant(RoutingContext ctx) {
    Policy.requireAdmin(AuthHandler.token(ctx), "identity:check_grant");
    roles.has(ctx.pathParam("p"), ctx.pathParam("u"), ctx.pathParam("r")).onSuccess(has -> {
      if (!has) ctx.fail(ApiException.notFound("Could not find role assignment."));
      else Replies.noContent(ctx);
    }).onFailure(ctx::fail);
  }

  private void revokeGrant(RoutingContext ctx) {
    Policy.requireAdmin(AuthHandler.token(ctx), "identity:revoke_grant");
    String project = ctx.pathParam("p");
    String user = ctx.pathParam("u");
    roles.revoke(project, user, ctx.pathParam("r"))
        .compose(done -> {
          if (!done) throw ApiException.notFound("Could not find role assignment.");
          return revocationStore.revokeUserOnProject(user, project);
        })
        .onSuccess(v -> Replies.noContent(ctx)).onFailure(ctx::fail);
  }

  private void listGrants(RoutingContext ctx) {
    Policy.requireAdminOrSelf(AuthHandler.token(ctx), ctx.pathParam("u"), "identity:list_grants");
    roles.onProject(ctx.pathParam("u"), ctx.pathParam("p")).onSuccess(list -> {
      JsonArray out = new JsonArray();
      list.forEach(r -> out.add(new JsonObject().put("id", r.id()).put("name", r.name())));
      Replies.json(ctx, 200, new JsonObject().put("roles", out));
    }).onFailure(ctx::fail);
  }

  static String defaultDomain(String domainId) {
    if (domainId == null || domainId.equals("default")) return "default";
    throw ApiException.badRequest("Strato has one domain, 'default'; domain '" + domainId + "' does not exist.");
  }
}
