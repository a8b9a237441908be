package io.strato.gateway.aggregates;

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
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code /os-aggregates} (admin only, as Nova's default policy): create, list, show, update (name, zone), delete,
 * and the actions {@code add_host}, {@code remove_host}, {@code set_metadata}; {@code uuid} from 2.41. An aggregate
 * with {@code availability_zone} metadata makes a zone of its hosts ({@code os-availability-zone}, the scheduler's
 * {@code AvailabilityZoneFilter}); its other metadata is matched by flavors' {@code aggregate_instance_extra_specs}.
 */
public final class AggregatesApi {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS");
  /** Nova's metadata keys: 1 to 255 of letters, digits, '-', '_', '.', ':' and spaces. */
  private static final Pattern KEY = Pattern.compile("[a-zA-Z0-9\\-_:. ]{1,255}");
  private final Aggregates aggregates;

  public AggregatesApi(Aggregates aggregates) {
    this.aggregates = aggregates;
  }

  public void mount(Router api) {
    api.get("/os-aggregates").handler(this::list);
    api.post("/os-aggregates").handler(this::create);
    api.get("/os-aggregates/:id").handler(this::show);
    api.put("/os-aggregates/:id").handler(this::update);
    api.delete("/os-aggregates/:id").handler(this::delete);
    api.post("/os-aggregates/:id/action").handler(this::action);
  }

  private static void admin(RoutingContext ctx, String rule) {
    ComputePolicy.requireAdmin(AuthHandler.token(ctx), "os_compute_api:os-aggregates:" + rule);
  }

  private void list(RoutingContext ctx) {
    admin(ctx, "index");
    ApiVersion v = Microversion.of(ctx);
    aggregates.list().onSuccess(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(view(r, v)));
      Replies.json(ctx, 200, new JsonObject().put("aggregates", out));
    }).onFailure(ctx::fail);
  }

  private void show(RoutingContext ctx) {
    admin(ctx, "show");
    reply(ctx, aggregates.get(id(ctx)));
  }

  private void create(RoutingContext ctx) {
    admin(ctx, "create");
    JsonObject body = Replies.body(ctx, "aggregate");
    Fields.onlyKnown(body, "aggregate", Set.of("name", "availability_zone"));
    String name = name(Fields.requiredString(body, "name", 255));
    String zone = zone(body);
    ApiVersion v = Microversion.of(ctx);
    // Nova's create answers without hosts and metadata.
    aggregates.create(name, zone).onSuccess(r -> {
      JsonObject out = view(r, v);
      out.remove("hosts");
      out.remove("metadata");
      Replies.json(ctx, 200, new JsonObject().put("aggregate", out));
    }).onFailure(ctx::fail);
  }

  private void update(RoutingContext ctx) {
    admin(ctx, "update");
    long id = id(ctx);
    JsonObject body = Replies.body(ctx, "aggregate");
    Fields.onlyKnown(body, "aggregate", Set.of("name", "availability_zone"));
    if (body.isEmpty()) throw ApiException.badRequest("Invalid input for field/attribute aggregate. Value: {}. {}"
        + " does not have enough properties");
    String name = body.containsKey("name") ? name(Fields.requiredString(body, "name", 255)) : null;
    reply(ctx, aggregates.update(id, name, body.containsKey("availability_zone"), zone(body), RequestIds.of(ctx)));
  }

  private void delete(RoutingContext ctx) {
    admin(ctx, "delete");
    aggregates.delete(id(ctx)).onSuccess(v -> ctx.response().setStatusCode(200).end()).onFailure(ctx::fail);
  }

  private void action(RoutingContext ctx) {
    long id = id(ctx);
    JsonObject body = Replies.bodyObject(ctx);
    if (body.size() != 1) throw ApiException.badRequest("The action body must name exactly one action.");
    String action = body.fieldNames().iterator().next();
    String requestId = RequestIds.of(ctx);
    switch (action) {
      case "add_host", "remove_host" -> {
        admin(ctx, action);
        JsonObject args = Replies.body(ctx, action);
        Fields.onlyKnown(args, action, Set.of("host"));
        String host = Fields.requiredString(args, "host", 255);
        reply(ctx, action.equals("add_host") ? aggregates.addHost(id, host, requestId)
            : aggregates.removeHost(id, host, requestId));
      }
      case "set_metadata" -> {
        admin(ctx, action);
        JsonObject args = Replies.body(ctx, action);
        Fields.onlyKnown(args, action, Set.of("metadata"));
        JsonObject metadata = Fields.optionalObject(args, "metadata");
        if (metadata == null) throw ApiException.badRequest("'metadata' is a required property");
        reply(ctx, aggregates.setMetadata(id, metadata(metadata), requestId));
      }
      default -> throw ApiException.badRequest("Invalid input for field/attribute body. Value: " + action
          + ". Additional properties are not allowed ('" + action + "' was unexpected)");
    }
  }

  private void reply(RoutingContext ctx, Future<Row> aggregate) {
    ApiVersion v = Microversion.of(ctx);
    aggregate.onSuccess(r -> Replies.json(ctx, 200, new JsonObject().put("aggregate", view(r, v))))
        .onFailure(ctx::fail);
  }

  /** Nova's aggregate view; {@code uuid} from 2.41. */
  private static JsonObject view(Row r, ApiVersion v) {
    JsonObject metadata = r.getJsonObject("metadata");
    JsonObject out = new JsonObject().put("availability_zone", metadata.getString(Aggregates.AZ_KEY))
        .put("created_at", time(r.getOffsetDateTime("created_at"))).put("deleted", false).put("deleted_at", null)
        .put("hosts", new JsonArray(Aggregates.hosts(r))).put("id", r.getLong("id")).put("metadata", metadata)
        .put("name", r.getString("name")).put("updated_at", time(r.getOffsetDateTime("updated_at")));
    if (v.atLeast(41)) out.put("uuid", r.getUUID("uuid").toString());
    return out;
  }

  private static String time(OffsetDateTime t) {
    return t == null ? null : TIME.format(t.withOffsetSameInstant(ZoneOffset.UTC));
  }

  /** Nova takes integer ids only. */
  private static long id(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!id.matches("\\d{1,18}")) throw ApiException.badRequest("Invalid input received: id must be an integer.");
    return Long.parseLong(id);
  }

  private static String name(String name) {
    if (name.isBlank()) throw ApiException.badRequest("Invalid input for field/attribute name.");
    return name.strip();
  }

  /** Nova's zone names: 1 to 255 characters without ':'; null leaves the aggregate without a zone. */
  private static String zone(JsonObject body) {
    Object value = body.getValue("availability_zone");
    if (value == null) return null;
    if (!(value instanceof String zone) || zone.isBlank() || zone.length() > 255 || zone.contains(":")) {
      throw ApiException.badRequest("Invalid input for field/attribute availability_zone. Value: " + value
          + ". It is not a valid availability zone name");
    }
    return zone;
  }

  private static Map<String, String> metadata(JsonObject metadata) {
    Map<String, String> out = new LinkedHashMap<>();
    metadata.forEach(e -> {
      if (!KEY.matcher(e.getKey()).matches()) {
        throw ApiException.badRequest("Invalid input for field/attribute metadata. Value: " + e.getKey()
            + ". It is not a valid metadata key");
      }
      Object value = e.getValue();
      if (value != null && (!(value instanceof String s) || s.length() > 255)) {
        throw ApiException.badRequest("Invalid input for field/attribute " + e.getKey() + ". Value: " + value
            + ". It is not a string of up to 255 characters or null");
      }
      if (e.getKey().equals(Aggregates.AZ_KEY) && value != null) zone(new JsonObject().put(Aggregates.AZ_KEY, value));
      out.put(e.getKey(), (String) value);
    });
    return out;
  }
}
