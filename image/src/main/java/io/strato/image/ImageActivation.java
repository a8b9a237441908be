package io.strato.image;

import io.strato.common.auth.AuthHandler;
import io.strato.common.auth.Token;
import io.strato.common.http.ApiException;
import io.strato.common.http.Replies;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /v2/images/{id}/actions/deactivate} and {@code /reactivate} (admin, as Glance's default policy):
 * {@code active <-> deactivated}, 204, and a no-op on an image already there; any other status is 403. A deactivated
 * image's data is refused to everyone but admins (403, {@link ImageData}), and the compute API refuses to boot it
 * (it is not {@code active}).
 */
final class ImageActivation {
  private final Images images;

  ImageActivation(Images images) {
    this.images = images;
  }

  void mount(Router api) {
    api.post("/v2/images/:id/actions/deactivate").handler(ctx -> move(ctx, "deactivate", "active", "deactivated"));
    api.post("/v2/images/:id/actions/reactivate").handler(ctx -> move(ctx, "reactivate", "deactivated", "active"));
  }

  private void move(RoutingContext ctx, String action, String from, String to) {
    Token token = AuthHandler.token(ctx);
    images.visible(ctx.pathParam("id"), token).compose(image -> {
      ImagePolicy.requireAdmin(token, action);
      if (image.status().equals(to)) return Future.succeededFuture();
      if (!image.status().equals(from)) {
        throw ApiException.forbidden("Not allowed to " + action + " image in status '" + image.status() + "'");
      }
      return images.transition(image.id(), from, to).map(moved -> {
        if (!moved) throw ApiException.conflict("Image " + image.id() + " changed status meanwhile; try again.");
        return null;
      });
    }).onSuccess(v -> Replies.noContent(ctx)).onFailure(ctx::fail);
  }
}
