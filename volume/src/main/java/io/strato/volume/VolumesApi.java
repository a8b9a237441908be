package io.strato.volume;

import io.strato.common.http.ApiException;
import io.strato.common.http.Replies;
import io.strato.volume.backend.FileBackend;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /volumes}: create, list (summary and detail), show, update, delete, and the volume's metadata. */
final class VolumesApi {
  private static final Logger LOG = LoggerFactory.getLogger(VolumesApi.class);
  private final Volumes volumes;
  private final VolumeCreator creator;
  private final FileBackend backend;
  private final VolumeView view;

  VolumesApi(Volumes volumes, VolumeCreator creator, FileBackend backend, VolumeView view) {
    this.volumes = volumes;
    this.creator = creator;
    this.backend = backend;
    this.view = view;
  }

  void mount(Routes api) {
    api.post("/volumes", this::create)
        .get("/volumes", ctx -> list(ctx, false))
        .get("/volumes/detail", ctx -> list(ctx, true))
        .get("/volumes/:volume_id", this::show)
        .put("/volumes/:volume_id", this::update)
        .delete("/volumes/:volume_id", this::delete);
    new MetadataRoutes<Volume>(this::found, Volume::metadata, (v, m) -> volumes.update(v.id(), null, null, m),
        "volume:create_volume_metadata", "volume:update_volume_metadata", "volume:delete_volume_metadata")
        .mount(api, "/volumes/:volume_id");
  }

  private void create(RoutingContext ctx) {
    Scope scope = Scope.of(ctx);
    VolumePolicy.requireMember(scope, "volume:create");
    creator.create(Replies.body(ctx, "volume"), scope)
        .onSuccess(v -> Replies.json(ctx, 202, detail(ctx, v)))
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx, boolean detailed) {
    ListQuery query = VolumeQuery.from(ctx, Scope.of(ctx));
    volumes.list(query).onSuccess(list -> {
      JsonArray out = new JsonArray();
      list.forEach(v -> out.add(detailed ? fields(ctx, v) : view.summary(v)));
      Replies.json(ctx, 200, query.page(ctx, "volumes", out, list.isEmpty() ? null : list.get(list.size() - 1).id()));
    }).onFailure(ctx::fail);
  }

  private void show(RoutingContext ctx) {
    found(ctx).onSuccess(v -> Replies.json(ctx, 200, detail(ctx, v))).onFailure(ctx::fail);
  }

  /** {@code PUT /volumes/{id}}: {@code name}, {@code description} (or their {@code display_} aliases), metadata. */
  private void update(RoutingContext ctx) {
    JsonObject body = Replies.body(ctx, "volume");
    for (String key : body.fieldNames()) {
      if (!List.of("name", "description", "display_name", "display_description", "metadata").contains(key)) {
        throw ApiException.badRequest("Invalid input for field/attribute volume: additional property '" + key
            + "' is not allowed.");
      }
    }
    String name = VolumeRequest.text(body, "name", "display_name");
    String description = VolumeRequest.text(body, "description", "display_description");
    JsonObject metadata = body.containsKey("metadata") ? VolumeRequest.metadata(body.getValue("metadata")) : null;
    found(ctx).map(VolumePolicy.member(Scope.of(ctx), "volume:update"))
        .compose(v -> volumes.update(v.id(), name, description, metadata))
        .onSuccess(v -> Replies.json(ctx, 200, detail(ctx, v))).onFailure(ctx::fail);
  }

  /**
   * {@code DELETE /volumes/{id}}: {@code available}/{@code error} -> {@code deleting} at once (202), then the file
   * and the row go, and the quota is given back. A failure leaves the volume {@code error_deleting}. A volume with
   * snapshots is refused (400), as Cinder refuses it without {@code cascade}.
   */
  private void delete(RoutingContext ctx) {
    found(ctx).map(VolumePolicy.member(Scope.of(ctx), "volume:delete"))
        .compose(v -> volumes.beginDelete(v.id()).map(moved -> {
      if (!moved) {
        throw ApiException.badRequest("Invalid volume: Volume status must be available or error or error_restoring"
            + " or error_extending or error_managing and must not be migrating, attached, belong to a group, have"
            + " snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer.");
      }
      return v;
    })).onSuccess(v -> {
      ctx.response().setStatusCode(202).end();
      purge(v);
    }).onFailure(ctx::fail);
  }

  private void purge(Volume v) {
    backend.delete(v.id()).compose(x -> volumes.purge(v.id())).onFailure(e -> {
      LOG.warn("volume {} could not be deleted: {}", v.id(), e.toString());
      volumes.transition(v.id(), VolumeStatus.ERROR_DELETING);
    });
  }

  private Future<Volume> found(RoutingContext ctx) {
    return volumes.find(ctx.pathParam("volume_id"), Scope.of(ctx));
  }

  private JsonObject detail(RoutingContext ctx, Volume v) {
    return new JsonObject().put("volume", fields(ctx, v));
  }

  private JsonObject fields(RoutingContext ctx, Volume v) {
    return view.detail(v, Microversion.of(ctx), Scope.of(ctx).admin());
  }
}
