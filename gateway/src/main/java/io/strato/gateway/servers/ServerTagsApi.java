package io.strato.gateway.servers;

import io.strato.common.auth.AuthHandler;
import io.strato.common.auth.Token;
import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.strato.common.http.Replies;
import io.strato.gateway.ComputePolicy;
import io.strato.gateway.Microversion;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * {@code /servers/{id}/tags} from microversion 2.26 (404 before, as Nova): list, replace all, delete all, and one tag
 * checked (204/404), added (201 with its Location, 204 when already there) or removed. Changes need a member, an
 * unlocked server (or an admin) in a settled state ({@link InstanceEdit#SETTLED}), and keep within
 * {@link ServerTags}.
 */
public final class ServerTagsApi {
  private final String baseUrl;
  private final Instances instances;
  private final InstanceEdit edit;

  public ServerTagsApi(String baseUrl, Instances instances, InstanceEdit edit) {
    this.baseUrl = baseUrl;
    this.instances = instances;
    this.edit = edit;
  }

  public void mount(Router api) {
    api.get("/servers/:id/tags").handler(ServerTagsApi::requireMicroversion).handler(this::list);
    api.put("/servers/:id/tags").handler(ServerTagsApi::requireMicroversion).handler(this::replace);
    api.delete("/servers/:id/tags").handler(ServerTagsApi::requireMicroversion).handler(this::clear);
    api.get("/servers/:id/tags/:tag").handler(ServerTagsApi::requireMicroversion).handler(this::show);
    api.put("/servers/:id/tags/:tag").handler(ServerTagsApi::requireMicroversion).handler(this::add);
    api.delete("/servers/:id/tags/:tag").handler(ServerTagsApi::requireMicroversion).handler(this::remove);
  }

  private static void requireMicroversion(RoutingContext ctx) {
    if (!Microversion.of(ctx).atLeast(26)) throw ApiException.notFound("The resource could not be found.");
    ctx.next();
  }

  private Future<Instance> visible(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    return instances.visible(ctx.pathParam("id"), token.projectId(), ComputePolicy.readsAllProjects(token));
  }

  private void list(RoutingContext ctx) {
    visible(ctx).onSuccess(i -> Replies.json(ctx, 200, new JsonObject().put("tags", new JsonArray(i.tags()))))
        .onFailure(ctx::fail);
  }

  private void show(RoutingContext ctx) {
    String tag = ctx.pathParam("tag");
    visible(ctx).onSuccess(i -> {
      if (i.tags().contains(tag)) {
        Replies.noContent(ctx);
      } else {
        ctx.fail(notFound(i.id(), tag));
      }
    }).onFailure(ctx::fail);
  }

  private void replace(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    ComputePolicy.requireMember(token, "os_compute_api:os-server-tags:update_all");
    JsonObject body = Replies.bodyObject(ctx);
    Fields.onlyKnown(body, "body", Set.of("tags"));
    if (!body.containsKey("tags")) throw ApiException.badRequest("'tags' is a required property");
    List<String> tags = ServerTags.parse(body.getValue("tags"));
    change(ctx, token, "update tags", current -> tags)
        .onSuccess(all -> Replies.json(ctx, 200, new JsonObject().put("tags", new JsonArray(all))))
        .onFailure(ctx::fail);
  }

  private void clear(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    ComputePolicy.requireMember(token, "os_compute_api:os-server-tags:delete_all");
    change(ctx, token, "delete tags", current -> List.of()).onSuccess(all -> Replies.noContent(ctx))
        .onFailure(ctx::fail);
  }

  private void add(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    ComputePolicy.requireMember(token, "os_compute_api:os-server-tags:update");
    String tag = ServerTags.check(ctx.pathParam("tag"));
    boolean[] added = {false};
    change(ctx, token, "update tag", current -> {
      if (current.contains(tag)) return current;
      if (current.size() >= ServerTags.MAX_TAGS) {
        throw ApiException.badRequest("The number of tags exceeded the per-server limit " + ServerTags.MAX_TAGS);
      }
      added[0] = true;
      List<String> next = new ArrayList<>(current);
      next.add(tag);
      return next;
    }).onSuccess(all -> {
      if (!added[0]) {
        Replies.noContent(ctx);
        return;
      }
      ctx.response().putHeader("Location", baseUrl + "/v2.1/servers/" + ctx.pathParam("id") + "/tags/" + tag)
          .setStatusCode(201).end();
    }).onFailure(ctx::fail);
  }

  private void remove(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    ComputePolicy.requireMember(token, "os_compute_api:os-server-tags:delete");
    String tag = ctx.pathParam("tag");
    change(ctx, token, "delete tag", current -> {
      if (!current.contains(tag)) throw notFound(ctx.pathParam("id"), tag);
      List<String> next = new ArrayList<>(current);
      next.remove(tag);
      return next;
    }).onSuccess(all -> Replies.noContent(ctx)).onFailure(ctx::fail);
  }

  private interface Change {
    List<String> next(List<String> current);
  }

  private Future<List<String>> change(RoutingContext ctx, Token token, String action, Change change) {
    return edit.apply(ctx.pathParam("id"), token, action, InstanceEdit.SETTLED, false, (tx, i) -> {
      List<String> next = change.next(i.tags());
      if (next == i.tags()) return Future.succeededFuture(next);
      return tx.preparedQuery("UPDATE instances SET tags = $2, updated_at = now() WHERE id = $1")
          .execute(Tuple.tuple().addUUID(UUID.fromString(i.id())).addArrayOfString(next.toArray(String[]::new)))
          .map(r -> next);
    });
  }

  private static ApiException notFound(String id, String tag) {
    return ApiException.notFound("Server " + id + " has no tag '" + tag + "'");
  }
}
