package io.strato.gateway;

import io.strato.common.auth.AuthHandler;
import io.strato.common.http.Replies;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.List;

/**
 * {@code /os-availability-zone}: the zones servers may be booted into. The detail view's per-host service list
 * needs the compute hosts, which the scheduler's host state owns; until it is exposed here it lists no hosts.
 */
public final class AvailabilityZonesApi {
  private final List<String> zones;

  public AvailabilityZonesApi(List<String> zones) {
    this.zones = zones;
  }

  public void mount(Router api) {
    api.get("/os-availability-zone").handler(ctx -> Replies.json(ctx, 200, body(false)));
    api.get("/os-availability-zone/detail").handler(ctx -> {
      ComputePolicy.requireAdmin(AuthHandler.token(ctx), "os_compute_api:os-availability-zone:detail");
      Replies.json(ctx, 200, body(true));
    });
  }

  private JsonObject body(boolean detail) {
    JsonArray info = new JsonArray();
    zones.forEach(z -> info.add(new JsonObject().put("zoneName", z)
        .put("zoneState", new JsonObject().put("available", true)).put("hosts", detail ? new JsonObject() : null)));
    return new JsonObject().put("availabilityZoneInfo", info);
  }
}
