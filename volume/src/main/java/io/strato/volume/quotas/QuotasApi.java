package io.strato.volume.quotas;

import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.strato.common.http.Replies;
import io.strato.volume.Routes;
import io.strato.volume.Scope;
import io.strato.volume.VolumePolicy;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * {@code /os-quota-sets/{project}} (show with {@code ?usage=true}, defaults, admin update and revert) and
 * {@code /limits}. Volumes, snapshots and gigabytes are enforced; the other Cinder quotas are shown at their defaults so
 * clients find every key they expect.
 */
public final class QuotasApi {
  private static final Set<String> IGNORED = Set.of("backups", "backup_gigabytes", "groups",
      "per_volume_gigabytes");
  private final Quotas quotas;

  public QuotasApi(Quotas quotas) {
    this.quotas = quotas;
  }

  public void mount(Routes api) {
    api.get("/limits", this::limits)
        .get("/os-quota-sets/:target/defaults", this::defaults)
        .get("/os-quota-sets/:target", this::show)
        .put("/os-quota-sets/:target", this::update)
        .delete("/os-quota-sets/:target", this::revert);
  }

  /** {@code GET /os-quota-sets/{project}[?usage=true]}: the caller's own project, or any for an admin. */
  private void show(RoutingContext ctx) {
    String project = target(ctx);
    boolean usage = Boolean.parseBoolean(ctx.queryParams().get("usage"));
    Future.all(quotas.limitsFor(project), quotas.usage(project)).onSuccess(all -> {
      Quotas.Limits l = all.resultAt(0);
      Quotas.Usage u = all.resultAt(1);
      Replies.json(ctx, 200, new JsonObject().put("quota_set", usage ? withUsage(project, l, u) : set(project, l)));
    }).onFailure(ctx::fail);
  }

  private void defaults(RoutingContext ctx) {
    String project = target(ctx);
    Replies.json(ctx, 200, new JsonObject().put("quota_set", set(project, quotas.defaults())));
  }

  /** {@code PUT /os-quota-sets/{project}} (admin): {@code {"quota_set": {"volumes": 5, "gigabytes": 100}}}. */
  private void update(RoutingContext ctx) {
    requireAdmin(ctx);
    String project = ctx.pathParam("target");
    JsonObject body = Replies.body(ctx, "quota_set");
    for (String key : body.fieldNames()) {
      if (!key.equals("volumes") && !key.equals("gigabytes") && !key.equals("snapshots") && !IGNORED.contains(key)
          && !key.startsWith("volumes_") && !key.startsWith("gigabytes_") && !key.startsWith("snapshots_")) {
        throw ApiException.badRequest("Bad key(s) in quota set: " + key);
      }
    }
    Integer volumes = Fields.optionalInt(body, "volumes", -1, Integer.MAX_VALUE);
    Integer snapshots = Fields.optionalInt(body, "snapshots", -1, Integer.MAX_VALUE);
    Integer gigabytes = Fields.optionalInt(body, "gigabytes", -1, Integer.MAX_VALUE);
    quotas.update(project, volumes, snapshots, gigabytes)
        .onSuccess(l -> Replies.json(ctx, 200, new JsonObject().put("quota_set", set(null, l))))
        .onFailure(ctx::fail);
  }

  private void revert(RoutingContext ctx) {
    requireAdmin(ctx);
    quotas.reset(ctx.pathParam("target")).onSuccess(v -> Replies.json(ctx, 200, new JsonObject()))
        .onFailure(ctx::fail);
  }

  /** {@code GET /limits}: Cinder's absolute limits of the acting project. */
  private void limits(RoutingContext ctx) {
    String project = Scope.of(ctx).projectId();
    Future.all(quotas.limitsFor(project), quotas.usage(project)).onSuccess(all -> {
      Quotas.Limits l = all.resultAt(0);
      Quotas.Usage u = all.resultAt(1);
      JsonObject absolute = new JsonObject().put("maxTotalVolumes", l.volumes())
          .put("maxTotalVolumeGigabytes", l.gigabytes()).put("maxTotalSnapshots", l.snapshots()).put("maxTotalBackups", 10)
          .put("maxTotalBackupGigabytes", 1000).put("totalVolumesUsed", u.volumes())
          .put("totalGigabytesUsed", u.gigabytes()).put("totalSnapshotsUsed", u.snapshots()).put("totalBackupsUsed", 0)
          .put("totalBackupGigabytesUsed", 0);
      Replies.json(ctx, 200, new JsonObject().put("limits", new JsonObject().put("rate", new JsonArray())
          .put("absolute", absolute)));
    }).onFailure(ctx::fail);
  }

  private static String target(RoutingContext ctx) {
    String project = ctx.pathParam("target");
    if (!Scope.of(ctx).mayTouch(project)) {
      throw VolumePolicy.forbidden("volume_extension:quotas:show");
    }
    return project;
  }

  private static void requireAdmin(RoutingContext ctx) {
    VolumePolicy.requireAdmin(Scope.of(ctx), "volume_extension:quotas:update");
  }

  private static JsonObject set(String project, Quotas.Limits l) {
    JsonObject j = new JsonObject().put("volumes", l.volumes()).put("gigabytes", l.gigabytes()).put("snapshots", l.snapshots())
        .put("backups", 10).put("backup_gigabytes", 1000).put("groups", 10).put("per_volume_gigabytes", -1)
        .put("volumes___DEFAULT__", -1).put("gigabytes___DEFAULT__", -1).put("snapshots___DEFAULT__", -1);
    if (project != null) j.put("id", project);
    return j;
  }

  private static JsonObject withUsage(String project, Quotas.Limits l, Quotas.Usage u) {
    JsonObject out = new JsonObject().put("id", project);
    set(null, l).forEach(e -> out.put(e.getKey(), new JsonObject().put("limit", e.getValue()).put("in_use", 0)
        .put("reserved", 0).put("allocated", 0)));
    out.getJsonObject("volumes").put("in_use", u.volumes());
    out.getJsonObject("gigabytes").put("in_use", u.gigabytes());
    out.getJsonObject("snapshots").put("in_use", u.snapshots());
    return out;
  }
}
