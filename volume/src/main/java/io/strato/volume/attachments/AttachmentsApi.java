package io.strato.volume.attachments;

import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.strato.common.http.Replies;
import io.strato.volume.Microversion;
import io.strato.volume.Routes;
import io.strato.volume.Scope;
import io.strato.volume.VolumePolicy;
import io.strato.volume.VolumeQuery;
import io.strato.volume.Volumes;
import io.strato.volume.backend.FileBackend;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;

/**
 * {@code /attachments} (3.27+): create (reserve, with a connector also connect), update with a connector, complete
 * ({@code os-complete}, 3.44+), delete (detach), list and show. The connection info a compute agent needs is the
 * volume file's path and format ({@link FileBackend#connectionInfo}).
 */
public final class AttachmentsApi {
  private static final int NEW_ATTACH = 27;
  private static final int ATTACHMENT_COMPLETE = 44;
  private static final Set<String> MODES = Set.of("rw", "ro");
  private final Attachments attachments;
  private final Volumes volumes;
  private final FileBackend backend;

  public AttachmentsApi(Attachments attachments, Volumes volumes, FileBackend backend) {
    this.attachments = attachments;
    this.volumes = volumes;
    this.backend = backend;
  }

  public void mount(Routes api) {
    api.post("/attachments", this::create)
        .get("/attachments", ctx -> list(ctx, false))
        .get("/attachments/detail", ctx -> list(ctx, true))
        .get("/attachments/:attachment_id", this::show)
        .put("/attachments/:attachment_id", this::update)
        .delete("/attachments/:attachment_id", this::delete)
        .post("/attachments/:attachment_id/action", this::action);
  }

  private void create(RoutingContext ctx) {
    Microversion.require(ctx, NEW_ATTACH);
    JsonObject body = Replies.body(ctx, "attachment");
    String volumeId = Fields.uuid(Fields.requiredString(body, "volume_uuid", 36), "volume_uuid");
    String instance = Fields.optionalString(body, "instance_uuid", 36);
    String instanceUuid = instance == null ? null : Fields.uuid(instance, "instance_uuid");
    JsonObject connector = Fields.optionalObject(body, "connector");
    String mode = Fields.optionalString(body, "mode", 2);
    if (mode != null && !MODES.contains(mode)) {
      throw ApiException.badRequest("Invalid input for field/attribute mode: '" + mode + "' is not one of " + MODES);
    }
    volumes.find(volumeId, Scope.of(ctx)).map(VolumePolicy.member(Scope.of(ctx), "volume:attachment_create"))
        .compose(v -> attachments.create(v.id(), v.projectId(), instanceUuid, connector, mode == null ? "rw" : mode))
        .onSuccess(a -> Replies.json(ctx, 200, detail(a))).onFailure(ctx::fail);
  }

  private void update(RoutingContext ctx) {
    Microversion.require(ctx, NEW_ATTACH);
    JsonObject connector = Fields.optionalObject(Replies.body(ctx, "attachment"), "connector");
    if (connector == null) throw ApiException.badRequest("'connector' is a required property.");
    found(ctx).map(VolumePolicy.member(Scope.of(ctx), "volume:attachment_update"))
        .compose(a -> attachments.connect(a, connector))
        .onSuccess(a -> Replies.json(ctx, 200, detail(a))).onFailure(ctx::fail);
  }

  private void action(RoutingContext ctx) {
    Microversion.require(ctx, NEW_ATTACH);
    JsonObject body = Replies.bodyObject(ctx);
    if (body.size() != 1 || !body.containsKey("os-complete")) {
      throw ApiException.badRequest("There is no such action: " + String.join(",", body.fieldNames()));
    }
    Microversion.require(ctx, ATTACHMENT_COMPLETE);
    found(ctx).map(VolumePolicy.member(Scope.of(ctx), "volume:attachment_complete")).compose(attachments::complete)
        .onSuccess(v -> Replies.noContent(ctx)).onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    Microversion.require(ctx, NEW_ATTACH);
    found(ctx).map(VolumePolicy.member(Scope.of(ctx), "volume:attachment_delete")).compose(attachments::delete)
        .onSuccess(v -> Replies.json(ctx, 200, new JsonObject().put("attachments", new JsonArray())))
        .onFailure(ctx::fail);
  }

  private void show(RoutingContext ctx) {
    Microversion.require(ctx, NEW_ATTACH);
    found(ctx).onSuccess(a -> Replies.json(ctx, 200, detail(a))).onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx, boolean detailed) {
    Microversion.require(ctx, NEW_ATTACH);
    Scope scope = Scope.of(ctx);
    var q = ctx.queryParams();
    boolean all = scope.admin() && q.get("all_tenants") != null && !List.of("0", "false", "False").contains(
        q.get("all_tenants"));
    String volumeId = q.get("volume_id") == null ? null : Fields.uuid(q.get("volume_id"), "volume_id");
    String instanceId = q.get("instance_id") == null ? null : Fields.uuid(q.get("instance_id"), "instance_id");
    int limit = q.get("limit") == null ? VolumeQuery.MAX_LIMIT
        : Fields.requiredInt(new JsonObject().put("limit", q.get("limit")), "limit", 0, VolumeQuery.MAX_LIMIT);
    attachments.list(all ? null : scope.projectId(), volumeId, instanceId, limit).onSuccess(list -> {
      JsonArray out = new JsonArray();
      list.forEach(a -> out.add(detailed ? detailFields(a) : a.summary()));
      Replies.json(ctx, 200, new JsonObject().put("attachments", out));
    }).onFailure(ctx::fail);
  }

  private Future<Attachment> found(RoutingContext ctx) {
    return attachments.find(ctx.pathParam("attachment_id"), Scope.of(ctx));
  }

  private JsonObject detail(Attachment a) {
    return new JsonObject().put("attachment", detailFields(a));
  }

  private JsonObject detailFields(Attachment a) {
    JsonObject info = a.connector() == null ? null : backend.connectionInfo(a.volumeId(), a.volumeFormat(),
        a.attachMode());
    return a.detail(info);
  }
}
