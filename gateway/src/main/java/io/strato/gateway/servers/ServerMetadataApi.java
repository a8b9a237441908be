package io.strato.gateway.servers;

import io.strato.common.auth.AuthHandler;
import io.strato.common.auth.Token;
import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.strato.common.http.Replies;
import io.strato.gateway.ComputePolicy;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Tuple;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@code /servers/{id}/metadata} as Nova serves it: read by a reader of the project; POST merges, PUT replaces the
 * whole set, {@code /metadata/{key}} reads, sets or deletes one item. Changes need a member, an unlocked server (or
 * an admin) in a settled state ({@link InstanceEdit#SETTLED}, no task), and keep within {@link MetadataItems}.
 */
public final class ServerMetadataApi {
  private final Instances instances;
  private final InstanceEdit edit;

  public ServerMetadataApi(Instances instances, InstanceEdit edit) {
    this.instances = instances;
    this.edit = edit;
  }

  public void mount(Router api) {
    api.get("/servers/:id/metadata").handler(this::list);
    api.post("/servers/:id/metadata").handler(ctx -> replaceOrMerge(ctx, false));
    api.put("/servers/:id/metadata").handler(ctx -> replaceOrMerge(ctx, true));
    api.get("/servers/:id/metadata/:key").handler(this::show);
    api.put("/servers/:id/metadata/:key").handler(this::put);
    api.delete("/servers/:id/metadata/:key").handler(this::delete);
  }

  private Future<Instance> visible(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    return instances.visible(ctx.pathParam("id"), token.projectId(), ComputePolicy.readsAllProjects(token));
  }

  private void list(RoutingContext ctx) {
    visible(ctx).onSuccess(i -> Replies.json(ctx, 200, new JsonObject().put("metadata", i.metadata())))
        .onFailure(ctx::fail);
  }

  private void show(RoutingContext ctx) {
    String key = ctx.pathParam("key");
    visible(ctx).onSuccess(i -> {
      if (!i.metadata().containsKey(key)) {
        ctx.fail(notFound());
      } else {
        Replies.json(ctx, 200, new JsonObject().put("meta", new JsonObject().put(key, i.metadata().getValue(key))));
      }
    }).onFailure(ctx::fail);
  }

  private void replaceOrMerge(RoutingContext ctx, boolean replace) {
    Token token = AuthHandler.token(ctx);
    ComputePolicy.requireMember(token, "os_compute_api:server-metadata:" + (replace ? "update_all" : "create"));
    JsonObject body = Replies.bodyObject(ctx);
    Fields.onlyKnown(body, "body", Set.of("metadata"));
    if (!(body.getValue("metadata") instanceof JsonObject given)) {
      throw ApiException.badRequest("Invalid input for field 'metadata': a JSON object is required.");
    }
    Map<String, String> items = MetadataItems.parse(given, "metadata");
    change(ctx, token, current -> {
      Map<String, String> next = new LinkedHashMap<>();
      if (!replace) current.forEach(e -> next.put(e.getKey(), (String) e.getValue()));
      next.putAll(items);
      return next;
    }).onSuccess(all -> Replies.json(ctx, 200, new JsonObject().put("metadata", all))).onFailure(ctx::fail);
  }

  private void put(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    ComputePolicy.requireMember(token, "os_compute_api:server-metadata:update");
    String key = ctx.pathParam("key");
    JsonObject body = Replies.bodyObject(ctx);
    Fields.onlyKnown(body, "body", Set.of("meta"));
    if (!(body.getValue("meta") instanceof JsonObject meta) || meta.isEmpty()) {
      throw ApiException.badRequest("Invalid input for field 'meta': an object with one item is required.");
    }
    Map<String, String> item = MetadataItems.parse(meta, "meta");
    if (meta.size() > 1) throw ApiException.badRequest("Request body contains too many items");
    if (!item.containsKey(key)) throw ApiException.badRequest("Request body and URI mismatch");
    change(ctx, token, current -> {
      Map<String, String> next = new LinkedHashMap<>();
      current.forEach(e -> next.put(e.getKey(), (String) e.getValue()));
      next.putAll(item);
      return next;
    }).onSuccess(all -> Replies.json(ctx, 200, new JsonObject().put("meta", new JsonObject().put(key, item.get(key)))))
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    ComputePolicy.requireMember(token, "os_compute_api:server-metadata:delete");
    String key = ctx.pathParam("key");
    change(ctx, token, current -> {
      if (!current.containsKey(key)) throw notFound();
      Map<String, String> next = new LinkedHashMap<>();
      current.forEach(e -> next.put(e.getKey(), (String) e.getValue()));
      next.remove(key);
      return next;
    }).onSuccess(all -> Replies.noContent(ctx)).onFailure(ctx::fail);
  }

  private interface Change {
    Map<String, String> next(JsonObject current);
  }

  /** Writes the metadata {@code change} makes of the current set, under the instance's lock; answers the new set. */
  private Future<JsonObject> change(RoutingContext ctx, Token token, Change change) {
    return edit.apply(ctx.pathParam("id"), token, "update metadata", InstanceEdit.SETTLED, true, (tx, i) -> {
      Map<String, String> next = change.next(i.metadata());
      MetadataItems.requireWithinQuota(next.size());
      JsonObject all = new JsonObject(new LinkedHashMap<String, Object>(next));
      return tx.preparedQuery("UPDATE instances SET metadata = $2, updated_at = now() WHERE id = $1")
          .execute(Tuple.of(UUID.fromString(i.id()), all)).map(r -> all);
    });
  }

  private static ApiException notFound() {
    return ApiException.notFound("Metadata item was not found");
  }
}
