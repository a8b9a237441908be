package io.strato.gateway.servers;

import io.strato.common.auth.AuthHandler;
import io.strato.common.auth.Token;
import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.strato.common.http.Replies;
import io.strato.common.http.RequestIds;
import io.strato.gateway.ComputePolicy;
import io.strato.gateway.Links;
import io.strato.gateway.Microversion;
import io.strato.gateway.actions.InstanceActions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.List;
import java.util.function.Function;

/**
 * {@code /servers}: create, list, detail, show, update, delete and instance actions. The server actions are the
 * {@link io.strato.gateway.servers.action.ActionRouter}'s.
 */
public final class ServersApi {
  private final String baseUrl;
  private final Instances instances;
  private final ServerCreator creator;
  private final ServerActions actions;
  private final InstanceActions instanceActions;
  private final ServerView view;

  public ServersApi(String baseUrl, Instances instances, ServerCreator creator, ServerActions actions,
      InstanceActions instanceActions) {
    this.baseUrl = baseUrl;
    this.instances = instances;
    this.creator = creator;
    this.actions = actions;
    this.instanceActions = instanceActions;
    this.view = new ServerView(baseUrl);
  }

  public void mount(Router api) {
    api.post("/servers").handler(this::create);
    api.get("/servers").handler(ctx -> list(ctx, view::brief));
    api.get("/servers/detail").handler(ctx -> list(ctx, i -> view.detail(i, Microversion.of(ctx),
        AuthHandler.token(ctx).isAdmin())));
    api.get("/servers/:id").handler(this::show);
    api.put("/servers/:id").handler(this::update);
    api.delete("/servers/:id").handler(this::delete);
    api.get("/servers/:id/os-instance-actions").handler(this::listActions);
    api.get("/servers/:id/os-instance-actions/:request").handler(this::showAction);
  }

  private void create(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    ComputePolicy.requireMember(token, "os_compute_api:servers:create");
    JsonObject body = Replies.bodyObject(ctx);
    // Nova's create schema: nothing beside the server and its scheduler hints (found by ComputeFuzzTest).
    Fields.onlyKnown(body, "body", Set.of("server", "os:scheduler_hints", "OS-SCH-HNT:scheduler_hints"));
    ServerCreateRequest request = ServerCreateParser.parse(body, Microversion.of(ctx));
    creator.create(request, token, ctx.request().getHeader("X-Auth-Token"), RequestIds.of(ctx))
        .onSuccess(created -> {
          if (request.returnReservationId()) {
            Replies.json(ctx, 202, new JsonObject().put("reservation_id", created.reservationId()));
            return;
          }
          String id = created.instanceIds().get(0);
          ctx.response().putHeader("Location", baseUrl + "/v2.1/servers/" + id);
          Replies.json(ctx, 202, new JsonObject().put("server", new JsonObject().put("id", id)
              .put("links", Links.of(baseUrl, "servers", id)).put("OS-DCF:diskConfig", "MANUAL")
              .put("security_groups", request.securityGroups()).put("adminPass", created.adminPass())));
        })
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx, Function<Instance, JsonObject> render) {
    ServerQuery query = ServerQuery.from(ctx, AuthHandler.token(ctx));
    Future<List<Instance>> found = query.empty() ? Future.succeededFuture(List.of()) : checkMarker(ctx, query)
        .compose(v -> instances.list(query));
    found.onSuccess(list -> {
      JsonArray servers = new JsonArray();
      list.forEach(i -> servers.add(render.apply(i)));
      JsonObject body = new JsonObject().put("servers", servers);
      if (!list.isEmpty() && list.size() == query.paging().limit() && ctx.queryParams().get("limit") != null) {
        String next = baseUrl + ctx.request().path() + "?limit=" + query.paging().limit() + "&marker="
            + list.get(list.size() - 1).id();
        body.put("servers_links", new JsonArray().add(new JsonObject().put("rel", "next").put("href", next)));
      }
      Replies.json(ctx, 200, body);
    }).onFailure(ctx::fail);
  }

  private Future<Void> checkMarker(RoutingContext ctx, ServerQuery query) {
    String marker = query.paging().marker();
    if (marker == null) return Future.succeededFuture();
    Token token = AuthHandler.token(ctx);
    return instances.visible(marker, token.projectId(), ComputePolicy.readsAllProjects(token)).<Void>mapEmpty()
        .recover(e -> Future.failedFuture(ApiException.badRequest("marker [" + marker + "] not found")));
  }

  private Future<Instance> visible(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    return instances.visible(ctx.pathParam("id"), token.projectId(), ComputePolicy.readsAllProjects(token));
  }

  private String id(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!Fields.isUuid(id)) throw Instances.notFound(id);
    return Fields.uuid(id, "id");
  }

  private void show(RoutingContext ctx) {
    visible(ctx).onSuccess(i -> Replies.json(ctx, 200, new JsonObject().put("server",
        view.show(i, Microversion.of(ctx), ComputePolicy.readsAllProjects(AuthHandler.token(ctx))))))
        .onFailure(ctx::fail);
  }

  private void update(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    ComputePolicy.requireMember(token, "os_compute_api:servers:update");
    JsonObject body = Replies.body(ctx, "server");
    for (String key : body.fieldNames()) {
      boolean known = key.equals("name") || (key.equals("description") && Microversion.of(ctx).atLeast(19));
      if (!known) throw ApiException.badRequest("Additional properties are not allowed ('" + key + "' was unexpected)");
    }
    String name = Fields.optionalString(body, "name", 255);
    if (name != null && name.isBlank()) throw ApiException.badRequest("Invalid input for field 'name'.");
    String description = Fields.optionalString(body, "description", 255);
    String id = id(ctx);
    visible(ctx).compose(i -> instances.rename(id, name, description, body.containsKey("description")))
        .onSuccess(i -> Replies.json(ctx, 200, new JsonObject().put("server",
            view.show(i, Microversion.of(ctx), token.isAdmin()))))
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    ComputePolicy.requireMember(token, "os_compute_api:servers:delete");
    actions.delete(id(ctx), token, RequestIds.of(ctx)).onSuccess(v -> Replies.noContent(ctx)).onFailure(ctx::fail);
  }

  private void listActions(RoutingContext ctx) {
    visible(ctx).compose(i -> instanceActions.list(i.id()))
        .onSuccess(list -> Replies.json(ctx, 200, new JsonObject().put("instanceActions", new JsonArray(list))))
        .onFailure(ctx::fail);
  }

  private void showAction(RoutingContext ctx) {
    String requestId = ctx.pathParam("request");
    visible(ctx).compose(i -> instanceActions.get(i.id(), requestId)).onSuccess(action -> {
      if (action == null) {
        ctx.fail(ApiException.notFound("Action for request_id " + requestId + " on instance " + ctx.pathParam("id")
            + " not found"));
      } else {
        Replies.json(ctx, 200, new JsonObject().put("instanceAction", action));
      }
    }).onFailure(ctx::fail);
  }
}
