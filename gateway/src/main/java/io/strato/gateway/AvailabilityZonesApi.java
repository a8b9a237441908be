package io.strato.gateway;

import io.strato.common.auth.AuthHandler;
import io.strato.common.http.Replies;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.List;

/**
 * {@code /os-availability-zone}: the zones servers may be booted into; the admin's detail view lists each zone's
 * compute hosts as their agents last reported them.
 */
public final class AvailabilityZonesApi {
  private final List<String> zones;
  private final HypervisorsApi hypervisors;

  public AvailabilityZonesApi(List<String> zones, HypervisorsApi hypervisors) {
    this.zones = zones;
    this.hypervisors = hypervisors;
  }

  public void mount(Router api) {
    api.get("/os-availability-zone").handler(ctx -> Replies.json(ctx, 200, body(false)));
    api.get("/os-availability-zone/detail").handler(ctx -> {
      ComputePolicy.requireAdmin(AuthHandler.token(ctx), "os_compute_api:os-availability-zone:detail");
      hypervisors.hosts().onSuccess(rows -> {
        JsonObject body = body(true);
        body.getJsonArray("availabilityZoneInfo").forEach(z -> {
          JsonObject zone = (JsonObject) z;
          rows.stream().filter(r -> r.getString("availability_zone").equals(zone.getString("zoneName")))
              .forEach(r -> zone.getJsonObject("hosts").put(r.getString("host"), new JsonObject().put("nova-compute",
                  new JsonObject().put("available", r.getBoolean("up")).put("active", r.getBoolean("enabled"))
                      .put("updated_at", HypervisorsApi.updatedAt(r.getOffsetDateTime("reported_at"))))));
        });
        Replies.json(ctx, 200, body);
      }).onFailure(ctx::fail);
    });
  }

  private JsonObject body(boolean detail) {
    JsonArray info = new JsonArray();
    zones.forEach(z -> info.add(new JsonObject().put("zoneName", z)
        .put("zoneState", new JsonObject().put("available", true)).put("hosts", detail ? new JsonObject() : null)));
    return new JsonObject().put("availabilityZoneInfo", info);
  }
}
