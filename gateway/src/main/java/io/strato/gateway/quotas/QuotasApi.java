package io.strato.gateway.quotas;

import io.strato.common.auth.AuthHandler;
import io.strato.common.auth.Token;
import io.strato.common.http.ApiException;
import io.strato.common.http.ApiVersion;
import io.strato.common.http.Fields;
import io.strato.common.http.Replies;
import io.strato.gateway.ComputePolicy;
import io.strato.gateway.Microversion;
import io.strato.gateway.groups.ServerGroups;
import io.strato.gateway.keypairs.Keypairs;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;

/** {@code /os-quota-sets/{project_id}} (show, defaults, detail, update, revert) and {@code /limits}. */
public final class QuotasApi {
  private static final Set<String> SETTABLE =
      Set.of("instances", "cores", "ram", "key_pairs", "server_groups", "server_group_members");
  private static final Set<String> LEGACY = Set.of("fixed_ips", "floating_ips", "injected_file_content_bytes",
      "injected_file_path_bytes", "injected_files", "metadata_items", "security_group_rules", "security_groups",
      "force");
  private final Quotas quotas;
  private final Keypairs keypairs;
  private final ServerGroups groups;

  public QuotasApi(Quotas quotas, Keypairs keypairs, ServerGroups groups) {
    this.quotas = quotas;
    this.keypairs = keypairs;
    this.groups = groups;
  }

  public void mount(Router api) {
    api.get("/limits").handler(this::limits);
    api.get("/os-quota-sets/:project/defaults").handler(this::defaults);
    api.get("/os-quota-sets/:project/detail").handler(this::detail);
    api.get("/os-quota-sets/:project").handler(this::show);
    api.put("/os-quota-sets/:project").handler(this::update);
    api.delete("/os-quota-sets/:project").handler(this::revert);
  }

  private String project(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    String project = ctx.pathParam("project");
    if (!ComputePolicy.canSee(token, project)) ComputePolicy.requireAdmin(token, "os_compute_api:os-quota-sets:show");
    return project;
  }

  private void show(RoutingContext ctx) {
    String project = project(ctx);
    quotas.limitsFor(project).onSuccess(l -> Replies.json(ctx, 200, new JsonObject().put("quota_set",
        l.quotaSet(project, Microversion.of(ctx))))).onFailure(ctx::fail);
  }

  private void defaults(RoutingContext ctx) {
    String project = project(ctx);
    Replies.json(ctx, 200, new JsonObject().put("quota_set", quotas.defaults().quotaSet(project,
        Microversion.of(ctx))));
  }

  private void detail(RoutingContext ctx) {
    String project = project(ctx);
    Token token = AuthHandler.token(ctx);
    Future.all(quotas.limitsFor(project), quotas.usage(project), keypairs.count(token.userId()),
        groups.countForProject(project)).onSuccess(all -> {
          Limits l = all.resultAt(0);
          Usage u = all.resultAt(1);
          long keys = all.resultAt(2);
          long groupCount = all.resultAt(3);
          JsonObject set = new JsonObject().put("id", project);
          l.quotaSet(null, Microversion.of(ctx)).forEach(e -> set.put(e.getKey(), new JsonObject()
              .put("limit", e.getValue())
              .put("in_use", 0).put("reserved", 0)));
          set.getJsonObject("instances").put("in_use", u.instances());
          set.getJsonObject("cores").put("in_use", u.cores());
          set.getJsonObject("ram").put("in_use", u.ram());
          set.getJsonObject("key_pairs").put("in_use", keys);
          set.getJsonObject("server_groups").put("in_use", groupCount);
          Replies.json(ctx, 200, new JsonObject().put("quota_set", set));
        }).onFailure(ctx::fail);
  }

  private void update(RoutingContext ctx) {
    ComputePolicy.requireAdmin(AuthHandler.token(ctx), "os_compute_api:os-quota-sets:update");
    String project = ctx.pathParam("project");
    JsonObject body = Replies.body(ctx, "quota_set");
    JsonObject changes = new JsonObject();
    for (String key : body.fieldNames()) {
      if (Limits.retired(key, Microversion.of(ctx))) {
        throw ApiException.badRequest("Invalid input for field/attribute quota_set. Additional properties are not"
            + " allowed ('" + key + "' was unexpected)");
      } else if (SETTABLE.contains(key)) {
        changes.put(key, Fields.optionalInt(body, key, -1, Integer.MAX_VALUE));
      } else if (!LEGACY.contains(key)) {
        throw ApiException.badRequest("Invalid input for field/attribute quota_set. Additional properties are not"
            + " allowed ('" + key + "' was unexpected)");
      }
    }
    quotas.update(project, changes).onSuccess(l -> Replies.json(ctx, 200, new JsonObject().put("quota_set",
        l.quotaSet(null, Microversion.of(ctx))))).onFailure(ctx::fail);
  }

  private void revert(RoutingContext ctx) {
    ComputePolicy.requireAdmin(AuthHandler.token(ctx), "os_compute_api:os-quota-sets:delete");
    quotas.reset(ctx.pathParam("project")).onSuccess(v -> ctx.response().setStatusCode(202).end())
        .onFailure(ctx::fail);
  }

  private void limits(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    String project = token.projectId();
    String asked = ctx.queryParams().get("tenant_id");
    if (asked != null && !asked.equals(project)) {
      ComputePolicy.requireAdmin(token, "os_compute_api:limits:other_project");
      project = asked;
    }
    String p = project;
    Future.all(quotas.limitsFor(p), quotas.usage(p), keypairs.count(token.userId()), groups.countForProject(p))
        .onSuccess(all -> {
          Limits l = all.resultAt(0);
          Usage u = all.resultAt(1);
          long groupCount = all.resultAt(3);
          JsonObject absolute = new JsonObject()
              .put("maxServerMeta", Limits.METADATA_ITEMS).put("maxImageMeta", Limits.METADATA_ITEMS)
              .put("maxPersonality", Limits.INJECTED_FILES).put("maxPersonalitySize", Limits.INJECTED_FILE_CONTENT_BYTES)
              .put("maxTotalInstances", l.instances()).put("maxTotalCores", l.cores()).put("maxTotalRAMSize", l.ram())
              .put("maxTotalKeypairs", l.keyPairs()).put("maxServerGroups", l.serverGroups())
              .put("maxServerGroupMembers", l.serverGroupMembers())
              .put("maxSecurityGroups", -1).put("maxSecurityGroupRules", -1).put("maxTotalFloatingIps", -1)
              .put("totalInstancesUsed", u.instances()).put("totalCoresUsed", u.cores()).put("totalRAMUsed", u.ram())
              .put("totalServerGroupsUsed", groupCount).put("totalSecurityGroupsUsed", 0)
              .put("totalFloatingIpsUsed", 0);
          ApiVersion v = Microversion.of(ctx);
          // Nova's limits drop the network proxy's (2.36), image metadata (2.39) and personality (2.57) fields.
          if (v.atLeast(36)) {
            List.of("maxSecurityGroups", "maxSecurityGroupRules", "maxTotalFloatingIps", "totalSecurityGroupsUsed",
                "totalFloatingIpsUsed").forEach(absolute::remove);
          }
          if (v.atLeast(39)) absolute.remove("maxImageMeta");
          if (v.atLeast(57)) List.of("maxPersonality", "maxPersonalitySize").forEach(absolute::remove);
          Replies.json(ctx, 200, new JsonObject().put("limits", new JsonObject().put("rate", new JsonArray())
              .put("absolute", absolute)));
        }).onFailure(ctx::fail);
  }
}
