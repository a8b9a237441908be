package io.strato.volume.snapshots;

import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.strato.common.http.Replies;
import io.strato.volume.ListQuery;
import io.strato.volume.MetadataRoutes;
import io.strato.volume.Microversion;
import io.strato.volume.Routes;
import io.strato.volume.Scope;
import io.strato.volume.VolumePolicy;
import io.strato.volume.VolumeRequest;
import io.strato.volume.Volumes;
import io.strato.volume.backend.FileBackend;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /snapshots}: create (202, {@code creating}, then the file is copied on a worker: {@code available}, or
 * {@code error} with the file removed), list (summary and detail, filtered by {@code name}, {@code status},
 * {@code volume_id}, paged like volumes), show, update, delete ({@code deleting}, then the file and row go and the
 * quota is given back), and the snapshot's metadata. An {@code in-use} volume needs {@code force} before 3.66.
 */
public final class SnapshotsApi {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotsApi.class);
  private static final Set<String> CREATE_FIELDS = Set.of("volume_id", "force", "name", "description",
      "display_name", "display_description", "metadata");
  private static final Set<String> UPDATE_FIELDS = Set.of("name", "description", "display_name",
      "display_description");
  private final Snapshots snapshots;
  private final Volumes volumes;
  private final FileBackend backend;

  public SnapshotsApi(Snapshots snapshots, Volumes volumes, FileBackend backend) {
    this.snapshots = snapshots;
    this.volumes = volumes;
    this.backend = backend;
  }

  public void mount(Routes api) {
    api.post("/snapshots", this::create)
        .get("/snapshots", ctx -> list(ctx, false))
        .get("/snapshots/detail", ctx -> list(ctx, true))
        .get("/snapshots/:snapshot_id", this::show)
        .put("/snapshots/:snapshot_id", this::update)
        .delete("/snapshots/:snapshot_id", this::delete);
    new MetadataRoutes<Snapshot>(this::found, Snapshot::metadata, (s, m) -> snapshots.update(s.id(), null, null, m),
        "volume:update_snapshot_metadata", "volume:update_snapshot_metadata", "volume:delete_snapshot_metadata")
        .mount(api, "/snapshots/:snapshot_id");
  }

  private void create(RoutingContext ctx) {
    Scope scope = Scope.of(ctx);
    JsonObject body = Replies.body(ctx, "snapshot");
    Fields.onlyKnown(body, "snapshot", CREATE_FIELDS);
    String volumeId = Fields.requiredString(body, "volume_id", VolumeRequest.MAX_TEXT);
    Boolean force = Fields.optionalBoolean(body, "force");
    boolean mv66 = Microversion.of(ctx).atLeast(66);
    if (mv66 && Boolean.FALSE.equals(force)) {
      throw ApiException.badRequest("Invalid input received: The 'force' flag is not supported by this microversion;"
          + " leave it out or set it to true.");
    }
    String name = VolumeRequest.text(body, "name", "display_name");
    String description = VolumeRequest.text(body, "description", "display_description");
    JsonObject metadata = VolumeRequest.metadata(body.getValue("metadata"));
    VolumePolicy.requireMember(scope, "volume:create_snapshot");
    volumes.find(volumeId, scope)
        .compose(v -> snapshots.insert(UUID.randomUUID().toString(), v, scope.token().userId(), name, description,
            metadata, mv66 || Boolean.TRUE.equals(force), backend.snapshotFormat(v.format()))
            .onSuccess(s -> copy(s, v.format())))
        .onSuccess(s -> Replies.json(ctx, 202, detail(ctx, s))).onFailure(ctx::fail);
  }

  /** Writes the snapshot's file on a worker: {@code available}, or {@code error} with any partial file removed. */
  private void copy(Snapshot s, String volumeFormat) {
    backend.snapshot(s.volumeId(), volumeFormat, s.id()).compose(v -> snapshots.created(s.id())).onSuccess(moved -> {
      if (!moved) LOG.warn("snapshot {} was no longer creating when its file was ready", s.id());
    }).onFailure(e -> {
      LOG.warn("snapshot {} could not be created: {}", s.id(), e.toString());
      backend.deleteSnapshot(s.id()).eventually(() -> snapshots.failedCreate(s.id(), e.toString()));
    });
  }

  private void list(RoutingContext ctx, boolean detailed) {
    var q = ctx.queryParams();
    ListQuery query = new ListQuery(ctx, Scope.of(ctx), Snapshot.SELECT, "s", "snapshots")
        .equal("name", q.get("name")).equal("status", q.get("status")).equalUuid("volume_id", q.get("volume_id"));
    snapshots.list(query).onSuccess(list -> {
      JsonArray out = new JsonArray();
      list.forEach(s -> out.add(detailed ? SnapshotView.detail(s, Microversion.of(ctx)) : SnapshotView.summary(s)));
      Replies.json(ctx, 200, query.page(ctx, "snapshots", out, list.isEmpty() ? null : list.get(list.size() - 1).id()));
    }).onFailure(ctx::fail);
  }

  private void show(RoutingContext ctx) {
    found(ctx).onSuccess(s -> Replies.json(ctx, 200, detail(ctx, s))).onFailure(ctx::fail);
  }

  /** {@code PUT /snapshots/{id}}: {@code name}, {@code description} (or their {@code display_} aliases). */
  private void update(RoutingContext ctx) {
    JsonObject body = Replies.body(ctx, "snapshot");
    Fields.onlyKnown(body, "snapshot", UPDATE_FIELDS);
    if (body.isEmpty()) throw ApiException.badRequest("Invalid input received: the snapshot body names nothing to"
        + " change.");
    String name = VolumeRequest.text(body, "name", "display_name");
    String description = VolumeRequest.text(body, "description", "display_description");
    found(ctx).map(VolumePolicy.member(Scope.of(ctx), "volume:update_snapshot"))
        .compose(s -> snapshots.update(s.id(), name, description, null))
        .onSuccess(s -> Replies.json(ctx, 200, detail(ctx, s))).onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    found(ctx).map(VolumePolicy.member(Scope.of(ctx), "volume:delete_snapshot"))
        .compose(s -> snapshots.beginDelete(s.id()).map(moved -> {
          if (!moved) {
            throw ApiException.badRequest("Invalid snapshot: Snapshot status must be available or error and must not"
                + " be part of a group.");
          }
          return s;
        })).onSuccess(s -> {
          ctx.response().setStatusCode(202).end();
          purge(s.id());
        }).onFailure(ctx::fail);
  }

  /** Removes a {@code deleting} snapshot's file, then its row (quota given back); {@code error_deleting} on failure. */
  public Future<Void> purge(String id) {
    return backend.deleteSnapshot(id).compose(v -> snapshots.purge(id)).<Void>mapEmpty().onFailure(e -> {
      LOG.warn("snapshot {} could not be deleted: {}", id, e.toString());
      snapshots.failedDelete(id, e.toString());
    });
  }

  private Future<Snapshot> found(RoutingContext ctx) {
    return snapshots.find(ctx.pathParam("snapshot_id"), Scope.of(ctx));
  }

  private static JsonObject detail(RoutingContext ctx, Snapshot s) {
    return new JsonObject().put("snapshot", SnapshotView.detail(s, Microversion.of(ctx)));
  }
}
