package io.strato.volume;

import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.strato.common.http.Replies;
import io.strato.volume.backend.FileBackend;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /volumes/{id}/action}: {@code os-extend} (an available volume grows: {@code extending -> available},
 * or {@code error_extending}), {@code os-set_bootable}, and the admin's {@code os-reset_status}, which like Cinder's
 * sets any status without the state machine (the way out of a stuck volume).
 */
final class VolumeActions {
  private static final Logger LOG = LoggerFactory.getLogger(VolumeActions.class);
  private final Volumes volumes;
  private final FileBackend backend;

  VolumeActions(Volumes volumes, FileBackend backend) {
    this.volumes = volumes;
    this.backend = backend;
  }

  void mount(Routes api) {
    api.post("/volumes/:volume_id/action", this::act);
  }

  private void act(RoutingContext ctx) {
    JsonObject body = Replies.bodyObject(ctx);
    if (body.size() != 1) throw ApiException.badRequest("Malformed request body: it must name exactly one action.");
    String action = body.fieldNames().iterator().next();
    switch (action) {
      case "os-extend" -> extend(ctx, Replies.body(ctx, action));
      case "os-set_bootable" -> setBootable(ctx, Replies.body(ctx, action));
      case "os-reset_status" -> resetStatus(ctx, Replies.body(ctx, action));
      default -> throw ApiException.badRequest("There is no such action: " + action);
    }
  }

  private void extend(RoutingContext ctx, JsonObject args) {
    int newSize = Fields.requiredInt(args, "new_size", 1, VolumeRequest.MAX_SIZE_GB);
    Scope scope = Scope.of(ctx);
    volumes.find(ctx.pathParam("volume_id"), scope).map(VolumePolicy.member(scope, "volume:extend")).compose(v -> {
      if (newSize <= v.size()) {
        throw ApiException.badRequest("Invalid input received: New size for extend must be greater than current size."
            + " (current: " + v.size() + ", extended: " + newSize + ").");
      }
      return volumes.beginExtend(v, newSize).map(begun -> {
        if (!begun) throw notAvailable(v, "extend");
        return v;
      });
    }).onSuccess(v -> {
      ctx.response().setStatusCode(202).end();
      backend.grow(v.id(), v.format(), newSize)
          .onFailure(e -> LOG.warn("volume {} could not be extended: {}", v.id(), e.toString()))
          .transform(ar -> volumes.endExtend(v, newSize, ar.succeeded()));
    }).onFailure(ctx::fail);
  }

  private void setBootable(RoutingContext ctx, JsonObject args) {
    Boolean bootable = Fields.optionalBoolean(args, "bootable");
    if (bootable == null) throw ApiException.badRequest("'bootable' is a required property.");
    volumes.find(ctx.pathParam("volume_id"), Scope.of(ctx)).map(VolumePolicy.member(Scope.of(ctx), "volume:update"))
        .compose(v -> volumes.setBootable(v.id(), bootable))
        .onSuccess(v -> ctx.response().setStatusCode(200).end()).onFailure(ctx::fail);
  }

  private void resetStatus(RoutingContext ctx, JsonObject args) {
    VolumePolicy.requireAdmin(Scope.of(ctx), "volume_extension:volume_admin_actions:reset_status");
    String wanted = Fields.requiredString(args, "status", 32);
    VolumeStatus status;
    try {
      status = VolumeStatus.fromWire(wanted);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("Invalid input received: Must specify a valid status, not '" + wanted + "'.");
    }
    volumes.find(ctx.pathParam("volume_id"), Scope.of(ctx)).compose(v -> volumes.forceStatus(v.id(), status))
        .onSuccess(v -> ctx.response().setStatusCode(202).end()).onFailure(ctx::fail);
  }

  static ApiException notAvailable(Volume v, String what) {
    return ApiException.badRequest("Invalid volume: Volume " + v.id() + " status must be available to " + what
        + ", but current status is: " + v.status().wire() + ".");
  }
}
