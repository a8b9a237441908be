package io.strato.volume;

import io.strato.common.http.ApiException;
import io.strato.common.http.Replies;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The {@code .../metadata} sub-resource Cinder gives volumes and snapshots: show, merge ({@code POST}), replace
 * ({@code PUT}) and delete one key, each change as the policy rule it names; the resource is found (404 when the
 * caller may not see it) before any rule is checked.
 *
 * @param find the resource the request's path names, as the caller may see it
 * @param metadataOf the resource's metadata
 * @param save stores new metadata for the resource, answering it as it now is
 */
public record MetadataRoutes<T>(Function<RoutingContext, Future<T>> find, Function<T, JsonObject> metadataOf,
    BiFunction<T, JsonObject, Future<T>> save, String mergeRule, String replaceRule, String deleteRule) {

  /** Mounts the four routes under {@code resourcePath} (e.g. {@code /volumes/:volume_id}). */
  public void mount(Routes api, String resourcePath) {
    api.get(resourcePath + "/metadata", this::show)
        .post(resourcePath + "/metadata", ctx -> set(ctx, true))
        .put(resourcePath + "/metadata", ctx -> set(ctx, false))
        .delete(resourcePath + "/metadata/:key", this::deleteKey);
  }

  private void show(RoutingContext ctx) {
    find.apply(ctx).onSuccess(r -> Replies.json(ctx, 200, new JsonObject().put("metadata", metadataOf.apply(r))))
        .onFailure(ctx::fail);
  }

  /** {@code POST} merges into the metadata, {@code PUT} replaces it. */
  private void set(RoutingContext ctx, boolean merge) {
    if (!Replies.bodyObject(ctx).containsKey("metadata")) {
      throw ApiException.badRequest("Malformed request body: it needs a 'metadata' object.");
    }
    JsonObject given = VolumeRequest.metadata(Replies.bodyObject(ctx).getValue("metadata"));
    change(ctx, merge ? mergeRule : replaceRule, m -> merge ? m.copy().mergeIn(given) : given)
        .onSuccess(r -> Replies.json(ctx, 200, new JsonObject().put("metadata", metadataOf.apply(r))))
        .onFailure(ctx::fail);
  }

  private void deleteKey(RoutingContext ctx) {
    String key = ctx.pathParam("key");
    change(ctx, deleteRule, m -> {
      if (!m.containsKey(key)) throw ApiException.notFound("Metadata item was not found");
      JsonObject left = m.copy();
      left.remove(key);
      return left;
    }).onSuccess(r -> ctx.response().setStatusCode(200).end()).onFailure(ctx::fail);
  }

  private Future<T> change(RoutingContext ctx, String rule, UnaryOperator<JsonObject> change) {
    return find.apply(ctx).map(VolumePolicy.member(Scope.of(ctx), rule))
        .compose(r -> save.apply(r, change.apply(metadataOf.apply(r))));
  }
}
