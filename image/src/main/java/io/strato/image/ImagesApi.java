package io.strato.image;

import io.strato.common.auth.AuthHandler;
import io.strato.common.auth.Token;
import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.strato.common.http.Replies;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.UUID;

/** {@code /v2/images}: create, list, show, JSON-patch update, tags, delete; data upload and download. */
final class ImagesApi {
  private final Vertx vertx;
  private final Images images;
  private final ImageLimits limits;
  private final ImageData data;

  ImagesApi(Vertx vertx, Images images, ImageLimits limits, ImageData data) {
    this.vertx = vertx;
    this.images = images;
    this.limits = limits;
    this.data = data;
  }

  void mount(Router api) {
    api.post("/v2/images").handler(this::create);
    api.get("/v2/images").handler(this::list);
    api.get("/v2/images/:id").handler(this::show);
    api.patch("/v2/images/:id").handler(this::update);
    api.delete("/v2/images/:id").handler(this::delete);
    api.put("/v2/images/:id/tags/:tag").handler(ctx -> tag(ctx, true));
    api.delete("/v2/images/:id/tags/:tag").handler(ctx -> tag(ctx, false));
    api.put("/v2/images/:id/file").handler(this::checkStorage).handler(data::upload);
    api.get("/v2/images/:id/file").handler(data::download);
  }

  private void create(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    ImagePolicy.requireMember(token, "add_image");
    JsonObject fields = ImageFields.validate(Replies.bodyObject(ctx), token);
    limits.check(fields.getJsonObject("properties"), fields.getJsonArray("tags", new JsonArray()));
    String id = fields.getString("id");
    if (id != null && !Fields.isUuid(id)) throw ApiException.badRequest("Invalid image id '" + id + "'.");
    String imageId = id == null ? UUID.randomUUID().toString() : Fields.uuid(id, "id");
    images.insert(imageId, fields, token.projectId()).onSuccess(image -> {
      ctx.response().putHeader("Location", "/v2/images/" + image.id());
      Replies.json(ctx, 201, image.toJson());
    }).onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    ImageQuery query = ImageQuery.from(ctx, AuthHandler.token(ctx));
    images.list(query).onSuccess(list -> {
      JsonArray out = new JsonArray();
      list.forEach(i -> out.add(i.toJson()));
      JsonObject body = new JsonObject().put("images", out).put("first", "/v2/images").put("schema", "/v2/schemas/images");
      if (list.size() == query.limit && query.limit > 0) {
        body.put("next", "/v2/images?marker=" + list.get(list.size() - 1).id() + "&limit=" + query.limit
            + passThrough(ctx, ImageQuery.FILTERS));
      }
      Replies.json(ctx, 200, body);
    }).onFailure(ctx::fail);
  }

  private static String passThrough(RoutingContext ctx, List<String> keys) {
    StringBuilder sb = new StringBuilder();
    for (String k : keys) {
      String v = ctx.queryParams().get(k);
      if (v != null) sb.append('&').append(k).append('=').append(java.net.URLEncoder.encode(v,
          java.nio.charset.StandardCharsets.UTF_8));
    }
    return sb.toString();
  }

  private void show(RoutingContext ctx) {
    images.visible(ctx.pathParam("id"), AuthHandler.token(ctx)).onSuccess(i -> Replies.json(ctx, 200, i.toJson()))
        .onFailure(ctx::fail);
  }

  private void update(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || !type.startsWith("application/openstack-images-v2.")) {
      throw new ApiException(415, "Unsupported Content-Type: use " + ImagePatch.MEDIA_TYPE);
    }
    JsonArray ops;
    try {
      ops = ctx.body().asJsonArray();
    } catch (RuntimeException e) {
      throw ApiException.badRequest("The patch body must be a JSON list of operations.");
    }
    if (ops == null) throw ApiException.badRequest("The patch body must be a JSON list of operations.");
    images.owned(ctx.pathParam("id"), token, "modify_image")
        .map(image -> limits.check(ImagePatch.apply(image, ops, token)))
        .compose(images::update).onSuccess(i -> Replies.json(ctx, 200, i.toJson())).onFailure(ctx::fail);
  }

  private void tag(RoutingContext ctx, boolean add) {
    Token token = AuthHandler.token(ctx);
    String tag = ctx.pathParam("tag");
    if (tag.isEmpty() || tag.length() > 255) throw ApiException.badRequest("Invalid tag.");
    images.owned(ctx.pathParam("id"), token, "modify_image").compose(image -> {
      JsonArray tags = image.tags().copy();
      if (add && !tags.contains(tag)) tags.add(tag);
      if (add) limits.check(image.properties(), tags);
      if (!add && !tags.remove(tag)) throw ApiException.notFound("Tag " + tag + " not found.");
      return images.update(new Image(image.id(), image.name(), image.status(), image.visibility(),
          image.containerFormat(), image.diskFormat(), image.size(), image.virtualSize(), image.minDisk(),
          image.minRam(), image.checksum(), image.osHashAlgo(), image.osHashValue(), image.owner(),
          image.isProtected(), image.hidden(), tags, image.properties(), image.createdAt(), image.updatedAt()));
    }).onSuccess(i -> Replies.noContent(ctx)).onFailure(ctx::fail);
  }

  /**
   * Before an upload streams: Glance's {@code image_size_total} of the image's owner. Refused, the body is read and
   * dropped so the connection stays usable; the image stays {@code queued}.
   */
  private void checkStorage(RoutingContext ctx) {
    ctx.request().pause();
    images.owned(ctx.pathParam("id"), AuthHandler.token(ctx), "upload_image")
        .compose(image -> images.checkStorage(image.owner()))
        .onSuccess(v -> ctx.next())
        .onFailure(e -> {
          ctx.request().resume();
          ctx.fail(e);
        });
  }

  private void delete(RoutingContext ctx) {
    images.owned(ctx.pathParam("id"), AuthHandler.token(ctx), "delete_image").compose(image -> {
      if (image.isProtected()) throw ApiException.forbidden("Image " + image.id() + " is protected and cannot be deleted.");
      return images.delete(image.id())
          .compose(v -> vertx.fileSystem().deleteRecursive(data.pathOf(image.id()).toString())
              .recover(e -> io.vertx.core.Future.succeededFuture()));
    }).onSuccess(v -> Replies.noContent(ctx)).onFailure(ctx::fail);
  }
}
