package io.strato.gateway.flavors;

import io.strato.common.auth.AuthHandler;
import io.strato.common.auth.Token;
import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.strato.common.http.Replies;
import io.strato.gateway.ComputePolicy;
import io.strato.gateway.Microversion;
import io.strato.gateway.Paging;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/** {@code /flavors} and {@code /flavors/{id}/os-extra_specs}. */
public final class FlavorsApi {
  /** Nova's flavor create schema (additionalProperties false); {@code description} needs 2.55, not served. */
  private static final Set<String> CREATE_FIELDS = Set.of("name", "id", "ram", "vcpus", "disk",
      "OS-FLV-EXT-DATA:ephemeral", "swap", "rxtx_factor", "os-flavor-access:is_public");
  private final Flavors flavors;
  private final String baseUrl;

  public FlavorsApi(Flavors flavors, String baseUrl) {
    this.flavors = flavors;
    this.baseUrl = baseUrl;
  }

  public void mount(Router api) {
    api.get("/flavors").handler(ctx -> list(ctx, f -> f.brief(baseUrl, Microversion.of(ctx))));
    api.get("/flavors/detail").handler(ctx -> list(ctx, f -> f.detail(baseUrl, Microversion.of(ctx))));
    api.post("/flavors").handler(this::create);
    api.get("/flavors/:id").handler(this::show);
    api.delete("/flavors/:id").handler(this::delete);
    api.get("/flavors/:id/os-extra_specs").handler(this::listSpecs);
    api.post("/flavors/:id/os-extra_specs").handler(this::setSpecs);
    api.get("/flavors/:id/os-extra_specs/:key").handler(this::showSpec);
    api.put("/flavors/:id/os-extra_specs/:key").handler(this::setSpec);
    api.delete("/flavors/:id/os-extra_specs/:key").handler(this::deleteSpec);
  }

  private void list(RoutingContext ctx, Function<Flavor, JsonObject> view) {
    Token token = AuthHandler.token(ctx);
    Paging paging = Paging.of(ctx);
    int minRam = intParam(ctx, "minRam");
    int minDisk = intParam(ctx, "minDisk");
    Boolean isPublic = true;
    String p = ctx.queryParams().get("is_public");
    if (token.isAdmin() && p != null) isPublic = p.equalsIgnoreCase("none") ? null : Boolean.parseBoolean(p);
    Boolean visibility = isPublic;
    // page() refuses an unknown marker: in map(), so that its 400 reaches the failure handler.
    flavors.list(minRam, minDisk, visibility).map(all -> page(all, paging)).onSuccess(page -> {
      JsonArray out = new JsonArray();
      page.forEach(f -> out.add(view.apply(f)));
      Replies.json(ctx, 200, new JsonObject().put("flavors", out));
    }).onFailure(ctx::fail);
  }

  private static List<Flavor> page(List<Flavor> all, Paging paging) {
    int start = 0;
    if (paging.marker() != null) {
      start = -1;
      for (int i = 0; i < all.size(); i++) if (all.get(i).id().equals(paging.marker())) start = i + 1;
      if (start < 0) throw ApiException.badRequest("marker [" + paging.marker() + "] not found");
    }
    return all.subList(start, Math.min(all.size(), start + paging.limit()));
  }

  private static int intParam(RoutingContext ctx, String name) {
    String v = ctx.queryParams().get(name);
    if (v == null) return 0;
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("Invalid " + name + " filter [" + v + "]");
    }
  }

  private void show(RoutingContext ctx) {
    flavors.get(ctx.pathParam("id"))
        .onSuccess(f -> Replies.json(ctx, 200, new JsonObject().put("flavor",
            f.detail(baseUrl, Microversion.of(ctx)))))
        .onFailure(ctx::fail);
  }

  private void create(RoutingContext ctx) {
    ComputePolicy.requireAdmin(AuthHandler.token(ctx), "os_compute_api:os-flavor-manage:create");
    JsonObject f = Replies.body(ctx, "flavor");
    Fields.onlyKnown(f, "flavor", CREATE_FIELDS);
    String name = Fields.requiredString(f, "name", 255).trim();
    if (name.isEmpty()) throw ApiException.badRequest("Invalid input for field 'name': it is empty.");
    Object rawId = f.getValue("id");
    String id;
    if (rawId == null || "auto".equals(rawId)) {
      id = UUID.randomUUID().toString();
    } else if (rawId instanceof String s && s.matches("[\\w.\\- ]{1,255}")) {
      id = s;
    } else {
      throw ApiException.badRequest("Invalid input for field 'id': " + rawId + " is not a valid flavor id.");
    }
    double rxtx = 1.0;
    if (f.getValue("rxtx_factor") != null) {
      if (!(f.getValue("rxtx_factor") instanceof Number n) || n.doubleValue() <= 0) {
        throw ApiException.badRequest("Invalid input for field 'rxtx_factor': it must be a number > 0.");
      }
      rxtx = n.doubleValue();
    }
    Boolean isPublic = Fields.optionalBoolean(f, "os-flavor-access:is_public");
    Integer ephemeral = Fields.optionalInt(f, "OS-FLV-EXT-DATA:ephemeral", 0, Integer.MAX_VALUE);
    Integer swap = Fields.optionalInt(f, "swap", 0, Integer.MAX_VALUE);
    Flavor flavor = new Flavor(id, name, Fields.requiredInt(f, "vcpus", 1, Integer.MAX_VALUE),
        Fields.requiredInt(f, "ram", 1, Integer.MAX_VALUE), Fields.requiredInt(f, "disk", 0, Integer.MAX_VALUE),
        ephemeral == null ? 0 : ephemeral, swap == null ? 0 : swap, rxtx, isPublic == null || isPublic, false,
        Map.of());
    flavors.create(flavor)
        .onSuccess(created -> Replies.json(ctx, 200, new JsonObject().put("flavor",
            created.detail(baseUrl, Microversion.of(ctx)))))
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    ComputePolicy.requireAdmin(AuthHandler.token(ctx), "os_compute_api:os-flavor-manage:delete");
    flavors.delete(ctx.pathParam("id")).onSuccess(v -> ctx.response().setStatusCode(202).end())
        .onFailure(ctx::fail);
  }

  private void listSpecs(RoutingContext ctx) {
    flavors.get(ctx.pathParam("id")).onSuccess(f -> Replies.json(ctx, 200,
        new JsonObject().put("extra_specs", new JsonObject(Map.copyOf(f.extraSpecs()))))).onFailure(ctx::fail);
  }

  private void showSpec(RoutingContext ctx) {
    String key = ctx.pathParam("key");
    flavors.get(ctx.pathParam("id")).onSuccess(f -> {
      String v = f.extraSpecs().get(key);
      if (v == null) ctx.fail(ApiException.notFound("Flavor " + f.id() + " has no extra specs with key " + key + "."));
      else Replies.json(ctx, 200, new JsonObject().put(key, v));
    }).onFailure(ctx::fail);
  }

  private void setSpecs(RoutingContext ctx) {
    ComputePolicy.requireAdmin(AuthHandler.token(ctx), "os_compute_api:os-flavor-extra-specs:create");
    Map<String, String> specs = specs(Replies.body(ctx, "extra_specs"));
    flavors.setExtraSpecs(ctx.pathParam("id"), specs).onSuccess(f -> Replies.json(ctx, 200,
        new JsonObject().put("extra_specs", new JsonObject(Map.copyOf(specs))))).onFailure(ctx::fail);
  }

  private void setSpec(RoutingContext ctx) {
    ComputePolicy.requireAdmin(AuthHandler.token(ctx), "os_compute_api:os-flavor-extra-specs:update");
    String key = ctx.pathParam("key");
    Map<String, String> specs = specs(Replies.bodyObject(ctx));
    if (specs.size() != 1 || !specs.containsKey(key)) {
      throw ApiException.badRequest("The request body must hold exactly the key in the URL.");
    }
    flavors.setExtraSpecs(ctx.pathParam("id"), specs).onSuccess(f -> Replies.json(ctx, 200,
        new JsonObject().put(key, specs.get(key)))).onFailure(ctx::fail);
  }

  private void deleteSpec(RoutingContext ctx) {
    ComputePolicy.requireAdmin(AuthHandler.token(ctx), "os_compute_api:os-flavor-extra-specs:delete");
    flavors.deleteExtraSpec(ctx.pathParam("id"), ctx.pathParam("key"))
        .onSuccess(v -> ctx.response().setStatusCode(202).end()).onFailure(ctx::fail);
  }

  private static Map<String, String> specs(JsonObject body) {
    Map<String, String> specs = new HashMap<>();
    body.forEach(e -> {
      if (!e.getKey().matches("[\\w\\-.: ]{1,255}")) {
        throw ApiException.badRequest("Invalid extra spec key '" + e.getKey() + "'.");
      }
      Object v = e.getValue();
      if (!(v instanceof String || v instanceof Number || v instanceof Boolean) || String.valueOf(v).length() > 255) {
        throw ApiException.badRequest("Invalid value for extra spec '" + e.getKey() + "'.");
      }
      specs.put(e.getKey(), String.valueOf(v));
    });
    return specs;
  }
}
