package io.strato.image;

import io.strato.common.auth.AuthHandler;
import io.strato.common.auth.Token;
import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.strato.common.http.Replies;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /v2/images/{id}/members}, Glance's image sharing: the owner (a member of the owning project, or an admin)
 * adds and removes projects of a {@code shared} image and sees them all; a project it was shared with sees only its
 * own membership and alone answers it ({@code accepted}, {@code rejected}, or back to {@code pending}). An accepted
 * member lists the image among its images; any member may show and boot it while the image is {@code shared}. Other
 * fields in a body are ignored, as Glance ignores them (the SDK sends the member's own fields back).
 */
final class ImageMembersApi {
  private final Images images;
  private final ImageMembers members;

  ImageMembersApi(Images images, ImageMembers members) {
    this.images = images;
    this.members = members;
  }

  void mount(Router api) {
    api.post("/v2/images/:id/members").handler(this::add);
    api.get("/v2/images/:id/members").handler(this::list);
    api.get("/v2/images/:id/members/:member").handler(this::show);
    api.put("/v2/images/:id/members/:member").handler(this::answer);
    api.delete("/v2/images/:id/members/:member").handler(this::remove);
  }

  private void add(RoutingContext ctx) {
    JsonObject body = Replies.bodyObject(ctx);
    String member = Fields.requiredString(body, "member", 255);
    images.owned(ctx.pathParam("id"), AuthHandler.token(ctx), "add_member").map(ImageMembersApi::shared)
        .compose(image -> members.add(image.id(), member))
        .onSuccess(m -> Replies.json(ctx, 200, m.toJson())).onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    images.visible(ctx.pathParam("id"), token).map(ImageMembersApi::shared)
        .compose(image -> members.list(image.id(), ownerView(image, token) ? null : token.projectId()))
        .onSuccess(list -> {
          JsonArray out = new JsonArray();
          list.forEach(m -> out.add(m.toJson()));
          Replies.json(ctx, 200, new JsonObject().put("members", out).put("schema", "/v2/schemas/members"));
        }).onFailure(ctx::fail);
  }

  private void show(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    String member = ctx.pathParam("member");
    images.visible(ctx.pathParam("id"), token).map(ImageMembersApi::shared).compose(image -> {
      if (!ownerView(image, token) && !member.equals(token.projectId())) {
        throw ImageMembers.notFound(image.id(), member);
      }
      return members.get(image.id(), member);
    }).onSuccess(m -> Replies.json(ctx, 200, m.toJson())).onFailure(ctx::fail);
  }

  /** {@code PUT .../members/{member}} {@code {"status": ...}}: only the member project itself answers. */
  private void answer(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    String member = ctx.pathParam("member");
    JsonObject body = Replies.bodyObject(ctx);
    String status = Fields.requiredString(body, "status", 255);
    if (!ImageMember.STATUSES.contains(status)) throw ApiException.badRequest("Invalid status: " + status);
    images.visible(ctx.pathParam("id"), token).map(ImageMembersApi::shared).compose(image -> {
      if (!member.equals(token.projectId())) {
        if (!ownerView(image, token)) throw ImageMembers.notFound(image.id(), member);
        throw ApiException.forbidden("You are not permitted to modify 'status' on this image member.");
      }
      ImagePolicy.requireMember(token, "modify_member");
      return members.setStatus(image.id(), member, status);
    }).onSuccess(m -> Replies.json(ctx, 200, m.toJson())).onFailure(ctx::fail);
  }

  private void remove(RoutingContext ctx) {
    String member = ctx.pathParam("member");
    images.owned(ctx.pathParam("id"), AuthHandler.token(ctx), "delete_member").map(ImageMembersApi::shared)
        .compose(image -> members.delete(image.id(), member))
        .onSuccess(v -> Replies.noContent(ctx)).onFailure(ctx::fail);
  }

  /** The owner's (or an admin's) view of the members: all of them. */
  private static boolean ownerView(Image image, Token token) {
    return image.owner().equals(token.projectId()) || token.isAdmin();
  }

  private static Image shared(Image image) {
    if (!image.visibility().equals("shared")) throw ApiException.forbidden("Only shared images have members.");
    return image;
  }
}
