package io.strato.gateway.services;

import io.strato.common.auth.AuthHandler;
import io.strato.common.http.ApiException;
import io.strato.common.http.ApiVersion;
import io.strato.common.http.Fields;
import io.strato.common.http.Replies;
import io.strato.common.http.RequestIds;
import io.strato.gateway.ComputePolicy;
import io.strato.gateway.Microversion;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * {@code /os-services} (admin): the {@code nova-compute} service of every compute host. Before microversion 2.53
 * integer ids and enable, disable, disable-log-reason and, from 2.11, force-down by host and binary; from 2.53 UUID
 * ids and {@code PUT /os-services/{id}} with {@code status}, {@code disabled_reason} and {@code forced_down}. A disabled or forced-down host takes no new servers ({@link ComputeServices} tells the schedulers); its
 * servers keep running.
 */
public final class ServicesApi {
  private static final DateTimeFormatter UPDATED = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS");
  private final ComputeServices services;

  public ServicesApi(ComputeServices services) {
    this.services = services;
  }

  public void mount(Router api) {
    api.get("/os-services").handler(this::list);
    api.put("/os-services/:action").handler(this::update);
    api.delete("/os-services/:id").handler(this::delete);
  }

  private void list(RoutingContext ctx) {
    ComputePolicy.requireAdmin(AuthHandler.token(ctx), "os_compute_api:os-services:list");
    String binary = ctx.queryParams().get("binary");
    ApiVersion version = Microversion.of(ctx);
    Future<List<Row>> rows = binary != null && !binary.equals(ComputeServices.BINARY)
        ? Future.succeededFuture(List.<Row>of()) : services.list(ctx.queryParams().get("host"));
    rows.onSuccess(list -> {
      JsonArray out = new JsonArray();
      list.forEach(r -> out.add(view(r, version)));
      Replies.json(ctx, 200, new JsonObject().put("services", out));
    }).onFailure(ctx::fail);
  }

  private static JsonObject view(Row r, ApiVersion version) {
    Object id = version.atLeast(53) ? r.getUUID("service_id").toString() : r.getLong("id");
    JsonObject s = new JsonObject().put("id", id).put("binary", ComputeServices.BINARY)
        .put("host", r.getString("host")).put("zone", r.getString("availability_zone"))
        .put("status", r.getBoolean("disabled") ? "disabled" : "enabled")
        .put("state", r.getBoolean("up") ? "up" : "down")
        .put("updated_at", UPDATED.format(r.getOffsetDateTime("reported_at").withOffsetSameInstant(ZoneOffset.UTC)))
        .put("disabled_reason", r.getString("disabled_reason"));
    if (version.atLeast(11)) s.put("forced_down", r.getBoolean("forced_down"));
    return s;
  }

  private void update(RoutingContext ctx) {
    ComputePolicy.requireAdmin(AuthHandler.token(ctx), "os_compute_api:os-services:update");
    if (Microversion.of(ctx).atLeast(53)) {
      updateById(ctx);
      return;
    }
    String action = ctx.pathParam("action");
    boolean forceDown = action.equals("force-down") && Microversion.of(ctx).atLeast(11);
    if (!forceDown && !Set.of("enable", "disable", "disable-log-reason").contains(action)) {
      throw ApiException.notFound("Unknown action");
    }
    JsonObject body = Replies.bodyObject(ctx);
    // Nova's one schema for these actions (forced_down from 2.11).
    Fields.onlyKnown(body, "body", Microversion.of(ctx).atLeast(11)
        ? Set.of("host", "binary", "disabled_reason", "forced_down") : Set.of("host", "binary", "disabled_reason"));
    String given = Fields.optionalString(body, "disabled_reason", 255);
    if (given != null && given.isEmpty()) throw ApiException.badRequest("Invalid input for field 'disabled_reason'.");
    String host = Fields.requiredString(body, "host", 255);
    String binary = Fields.requiredString(body, "binary", 255);
    if (!binary.equals(ComputeServices.BINARY)) throw ComputeServices.hostNotFound(host);
    JsonObject reply = new JsonObject().put("host", host).put("binary", binary);
    String requestId = RequestIds.of(ctx);
    Future<Void> done = switch (action) {
      case "enable" -> {
        reply.put("status", "enabled");
        yield services.setDisabled(host, false, null, requestId);
      }
      case "disable" -> {
        reply.put("status", "disabled");
        yield services.setDisabled(host, true, null, requestId);
      }
      case "disable-log-reason" -> {
        if (given == null) throw ApiException.badRequest("Missing disabled reason field");
        String reason = given;
        reply.put("status", "disabled").put("disabled_reason", reason);
        yield services.setDisabled(host, true, reason, requestId);
      }
      default -> {
        if (!(body.getValue("forced_down") instanceof Boolean down)) {
          throw ApiException.badRequest("Invalid input for field/attribute forced_down. Value: "
              + body.getValue("forced_down") + ". It is not of type 'boolean'");
        }
        reply.put("forced_down", down);
        yield services.setForcedDown(host, down, requestId);
      }
    };
    done.onSuccess(v -> Replies.json(ctx, 200, new JsonObject().put("service", reply))).onFailure(ctx::fail);
  }

  /** 2.53: one service by UUID, any of its status (with a reason when disabled) and forced_down. */
  private void updateById(RoutingContext ctx) {
    UUID id = serviceId(ctx);
    JsonObject body = Replies.bodyObject(ctx);
    Fields.onlyKnown(body, "body", Set.of("status", "disabled_reason", "forced_down"));
    String status = Fields.optionalString(body, "status", 16);
    if (status != null && !status.equals("enabled") && !status.equals("disabled")) {
      throw ApiException.badRequest("Invalid input for field/attribute status. Value: " + status
          + ". '" + status + "' is not one of ['enabled', 'disabled']");
    }
    String reason = Fields.optionalString(body, "disabled_reason", 255);
    if (reason != null && reason.isEmpty()) throw ApiException.badRequest("Invalid input for field 'disabled_reason'.");
    Object down = body.getValue("forced_down");
    if (down != null && !(down instanceof Boolean)) {
      throw ApiException.badRequest("Invalid input for field/attribute forced_down. Value: " + down
          + ". It is not of type 'boolean'");
    }
    if (status == null && down == null) {
      throw ApiException.badRequest("No updates were requested. Fields 'status' or 'forced_down' should be"
          + " specified.");
    }
    if (reason != null && !"disabled".equals(status)) {
      throw ApiException.badRequest("Specifying 'disabled_reason' with status '" + status + "' is invalid.");
    }
    Boolean disabled = status == null ? null : status.equals("disabled");
    ApiVersion version = Microversion.of(ctx);
    services.update(id, disabled, reason, (Boolean) down, RequestIds.of(ctx))
        .onSuccess(r -> Replies.json(ctx, 200, new JsonObject().put("service", view(r, version))))
        .onFailure(ctx::fail);
  }

  /** A 2.53 service id: 400 unless a UUID, as Nova. */
  private static UUID serviceId(RoutingContext ctx) {
    String id = ctx.pathParam(ctx.pathParams().containsKey("id") ? "id" : "action");
    if (!Fields.isUuid(id)) throw ApiException.badRequest("Invalid uuid " + id);
    return UUID.fromString(id);
  }

  private void delete(RoutingContext ctx) {
    ComputePolicy.requireAdmin(AuthHandler.token(ctx), "os_compute_api:os-services:delete");
    if (Microversion.of(ctx).atLeast(53)) {
      services.delete(serviceId(ctx), RequestIds.of(ctx)).onSuccess(v -> Replies.noContent(ctx)).onFailure(ctx::fail);
      return;
    }
    String id = ctx.pathParam("id");
    if (!id.matches("\\d{1,18}")) throw ApiException.notFound("Service " + id + " not found.");
    services.delete(Long.parseLong(id), RequestIds.of(ctx)).onSuccess(v -> Replies.noContent(ctx))
        .onFailure(ctx::fail);
  }
}
