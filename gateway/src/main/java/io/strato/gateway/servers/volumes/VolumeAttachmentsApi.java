package io.strato.gateway.servers.volumes;

import io.strato.common.auth.AuthHandler;
import io.strato.common.http.ApiException;
import io.strato.common.http.ApiVersion;
import io.strato.common.http.Fields;
import io.strato.common.http.Replies;
import io.strato.common.http.RequestIds;
import io.strato.gateway.Microversion;
import io.strato.gateway.servers.Instance;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * {@code /servers/{id}/os-volume_attachments}: list, show, attach (create) and detach (delete), Nova's shapes by
 * microversion ({@code id}, {@code serverId}, {@code volumeId}, {@code device}; {@code tag} from 2.70,
 * {@code delete_on_termination} from 2.79). Readers of
 * the project list and show; members and admins attach and detach. Swap (update) is not supported.
 */
public final class VolumeAttachmentsApi {
  private final VolumeAttachments attachments;

  public VolumeAttachmentsApi(VolumeAttachments attachments) {
    this.attachments = attachments;
  }

  public void mount(Router api) {
    api.get("/servers/:id/os-volume_attachments").handler(this::list);
    api.post("/servers/:id/os-volume_attachments").handler(this::create);
    api.get("/servers/:id/os-volume_attachments/:volume").handler(this::show);
    api.delete("/servers/:id/os-volume_attachments/:volume").handler(this::delete);
  }

  private void list(RoutingContext ctx) {
    String serverId = ctx.pathParam("id");
    attachments.visible(serverId, AuthHandler.token(ctx)).map(i -> {
      JsonArray out = new JsonArray();
      DeviceNames.of(i.volumesAttached(), VolumeAttachments.bootsFromVolume(i))
          .forEach((volume, device) -> out.add(view(i.id(), volume, device, deleteOnTermination(i, volume),
              Microversion.of(ctx))));
      return page(ctx, out);
    }).onSuccess(list -> Replies.json(ctx, 200, new JsonObject().put("volumeAttachments", list)))
        .onFailure(ctx::fail);
  }

  private void show(RoutingContext ctx) {
    String volumeId = ctx.pathParam("volume");
    attachments.visible(ctx.pathParam("id"), AuthHandler.token(ctx)).map(i -> {
      Map<String, String> devices = DeviceNames.of(i.volumesAttached(), VolumeAttachments.bootsFromVolume(i));
      if (!devices.containsKey(volumeId)) throw VolumeAttachments.notAttached(i.id(), volumeId);
      return view(i.id(), volumeId, devices.get(volumeId), deleteOnTermination(i, volumeId), Microversion.of(ctx));
    }).onSuccess(v -> Replies.json(ctx, 200, new JsonObject().put("volumeAttachment", v))).onFailure(ctx::fail);
  }

  private void create(RoutingContext ctx) {
    JsonObject body = Replies.body(ctx, "volumeAttachment");
    Fields.onlyKnown(Replies.bodyObject(ctx), "body", Set.of("volumeAttachment"));
    ApiVersion version = Microversion.of(ctx);
    Set<String> known = new HashSet<>(Set.of("volumeId", "device"));
    if (version.atLeast(49)) known.add("tag");
    if (version.atLeast(79)) known.add("delete_on_termination");
    Fields.onlyKnown(body, "volumeAttachment", known);
    if (body.getValue("tag") != null) {
      // Nova's answer where the driver cannot tag devices: the guest would never see the tag.
      throw ApiException.badRequest("Tagged volume attachment is not supported for this instance.");
    }
    Boolean deleteOnTermination = Fields.optionalBoolean(body, "delete_on_termination");
    if (Boolean.TRUE.equals(deleteOnTermination)) {
      // NOTE: the host's agent keeps attached volumes when their server is deleted; saying yes here would lose
      // nothing today but promise a delete that never comes.
      throw ApiException.badRequest("delete_on_termination true is not supported for attached volumes yet.");
    }
    String volumeId = Fields.uuid(Fields.requiredString(body, "volumeId", 36), "volumeId");
    String device = Fields.optionalString(body, "device", 255);
    if (device != null) DeviceNames.letters(device);
    String serverId = ctx.pathParam("id");
    attachments.attach(serverId, volumeId, device, AuthHandler.token(ctx), ctx.request().getHeader("X-Auth-Token"),
            RequestIds.of(ctx))
        .onSuccess(entry -> Replies.json(ctx, 200, new JsonObject().put("volumeAttachment",
            view(serverId, volumeId, entry.getString("device"), false, version))))
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    attachments.detach(ctx.pathParam("id"), ctx.pathParam("volume"), AuthHandler.token(ctx), RequestIds.of(ctx))
        .onSuccess(v -> ctx.response().setStatusCode(202).end()).onFailure(ctx::fail);
  }

  /** Nova's attachment: {@code tag} from 2.70 (never set here), {@code delete_on_termination} from 2.79. */
  private static JsonObject view(String serverId, String volumeId, String device, boolean deleteOnTermination,
      ApiVersion v) {
    JsonObject out = new JsonObject().put("device", device).put("id", volumeId).put("serverId", serverId)
        .put("volumeId", volumeId);
    if (v.atLeast(70)) out.put("tag", null);
    if (v.atLeast(79)) out.put("delete_on_termination", deleteOnTermination);
    return out;
  }

  private static boolean deleteOnTermination(Instance i, String volumeId) {
    return i.volumesAttached().stream().map(o -> (JsonObject) o).filter(v -> volumeId.equals(v.getString("id")))
        .anyMatch(v -> v.getBoolean("delete_on_termination", false));
  }

  /** Nova's {@code limit} and {@code offset} on the list (400 for values that are not non-negative integers). */
  private static JsonArray page(RoutingContext ctx, JsonArray all) {
    var q = ctx.queryParams();
    int offset = q.get("offset") == null ? 0
        : Fields.requiredInt(new JsonObject().put("offset", q.get("offset")), "offset", 0, Integer.MAX_VALUE);
    int limit = q.get("limit") == null ? Integer.MAX_VALUE
        : Fields.requiredInt(new JsonObject().put("limit", q.get("limit")), "limit", 0, Integer.MAX_VALUE);
    JsonArray out = new JsonArray();
    for (int n = offset; n < all.size() && out.size() < limit; n++) out.add(all.getValue(n));
    return out;
  }
}
