package io.strato.gateway;

import io.strato.common.auth.AuthHandler;
import io.strato.common.http.Replies;
import io.strato.gateway.aggregates.Aggregates;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code /os-availability-zone}: the zones servers may be booted into (the configured ones and those host
 * aggregates with hosts make); the admin's detail view lists each zone's compute hosts as their agents last reported
 * them, each in the zone of its aggregate if one makes a zone.
 */
public final class AvailabilityZonesApi {
  private final List<String> zones;
  private final Aggregates aggregates;
  private final HypervisorsApi hypervisors;

  public AvailabilityZonesApi(List<String> zones, Aggregates aggregates, HypervisorsApi hypervisors) {
    this.zones = zones;
    this.aggregates = aggregates;
    this.hypervisors = hypervisors;
  }

  public void mount(Router api) {
    api.get("/os-availability-zone").handler(ctx -> zoneNames()
        .onSuccess(names -> Replies.json(ctx, 200, body(names, false))).onFailure(ctx::fail));
    api.get("/os-availability-zone/detail").handler(this::detail);
  }

  private void detail(RoutingContext ctx) {
    ComputePolicy.requireAdmin(AuthHandler.token(ctx), "os_compute_api:os-availability-zone:detail");
    Future.all(zoneNames(), hypervisors.hosts()).onSuccess(all -> {
      JsonObject body = body(all.resultAt(0), true);
      List<Row> rows = all.resultAt(1);
      body.getJsonArray("availabilityZoneInfo").forEach(z -> {
        JsonObject zone = (JsonObject) z;
        rows.stream().filter(r -> r.getString("availability_zone").equals(zone.getString("zoneName")))
            .forEach(r -> zone.getJsonObject("hosts").put(r.getString("host"), new JsonObject().put("nova-compute",
                new JsonObject().put("available", r.getBoolean("up")).put("active", r.getBoolean("enabled"))
                    .put("updated_at", HypervisorsApi.updatedAt(r.getOffsetDateTime("reported_at"))))));
      });
      Replies.json(ctx, 200, body);
    }).onFailure(ctx::fail);
  }

  private Future<Set<String>> zoneNames() {
    return aggregates.zones().map(fromAggregates -> {
      Set<String> all = new TreeSet<>(zones);
      all.addAll(fromAggregates);
      return all;
    });
  }

  private static JsonObject body(Set<String> names, boolean detail) {
    JsonArray info = new JsonArray();
    names.forEach(z -> info.add(new JsonObject().put("zoneName", z)
        .put("zoneState", new JsonObject().put("available", true)).put("hosts", detail ? new JsonObject() : null)));
    return new JsonObject().put("availabilityZoneInfo", info);
  }
}
