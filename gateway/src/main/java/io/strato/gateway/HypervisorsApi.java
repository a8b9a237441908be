package io.strato.gateway;

import io.strato.common.auth.AuthHandler;
import io.strato.common.http.ApiException;
import io.strato.common.http.Replies;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /os-hypervisors} (admin): the compute hosts as their agents last reported them (the conductor records the
 * reports). A host whose last report is older than {@code scheduler.service.down.time.seconds}, or whose service an
 * admin forced down, is {@code down}, and one whose service an admin disabled is {@code disabled} (os-services), as the
 * scheduler sees them.
 */
public final class HypervisorsApi {
  /** A host's zone: the one an aggregate of it makes (os-aggregates), else the one its agent reports. */
  public static final String ZONE = "coalesce((SELECT a.metadata->>'availability_zone' FROM aggregates a"
      + " JOIN aggregate_hosts ah ON ah.aggregate_id = a.id WHERE ah.host = compute_nodes.host"
      + " AND a.metadata ? 'availability_zone' ORDER BY a.id LIMIT 1),"
      + " availability_zone) AS availability_zone";
  private static final String SELECT = "SELECT id, host, " + ZONE + ", hypervisor_type, hypervisor_version,"
      + " enabled AND NOT disabled AS enabled, disabled_reason, vcpus, vcpus_used, memory_mb, memory_mb_used, local_gb,"
      + " local_gb_used, running_vms, current_workload, reported_at,"
      + " reported_at > now() - make_interval(secs => $1) AND NOT forced_down AS up FROM compute_nodes";
  private final Pool pool;
  private final long downAfterSeconds;

  public HypervisorsApi(Pool pool, long downAfterSeconds) {
    this.pool = pool;
    this.downAfterSeconds = downAfterSeconds;
  }

  public void mount(Router api) {
    api.get("/os-hypervisors").handler(ctx -> list(ctx, false));
    api.get("/os-hypervisors/detail").handler(ctx -> list(ctx, true));
    api.get("/os-hypervisors/statistics").handler(this::statistics);
    api.get("/os-hypervisors/:id").handler(this::show);
  }

  /** The hosts per zone, for {@code os-availability-zone/detail}. */
  public Future<List<Row>> hosts() {
    return pool.preparedQuery(SELECT + " ORDER BY host").execute(Tuple.of((double) downAfterSeconds)).map(rows -> {
      List<Row> out = new ArrayList<>();
      rows.forEach(out::add);
      return out;
    });
  }

  private void list(RoutingContext ctx, boolean detail) {
    ComputePolicy.requireAdmin(AuthHandler.token(ctx), "os_compute_api:os-hypervisors:list");
    hosts().onSuccess(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(detail ? detail(r) : brief(r)));
      Replies.json(ctx, 200, new JsonObject().put("hypervisors", out));
    }).onFailure(ctx::fail);
  }

  private void show(RoutingContext ctx) {
    ComputePolicy.requireAdmin(AuthHandler.token(ctx), "os_compute_api:os-hypervisors:show");
    String id = ctx.pathParam("id");
    if (!id.matches("\\d{1,18}")) throw ApiException.notFound("Hypervisor with ID " + id + " could not be found.");
    pool.preparedQuery(SELECT + " WHERE id = $2").execute(Tuple.of((double) downAfterSeconds, Long.parseLong(id)))
        .onSuccess(rows -> {
          if (rows.size() == 0) {
            ctx.fail(ApiException.notFound("Hypervisor with ID " + id + " could not be found."));
          } else {
            Replies.json(ctx, 200, new JsonObject().put("hypervisor", detail(rows.iterator().next())));
          }
        }).onFailure(ctx::fail);
  }

  private void statistics(RoutingContext ctx) {
    ComputePolicy.requireAdmin(AuthHandler.token(ctx), "os_compute_api:os-hypervisors:statistics");
    hosts().onSuccess(rows -> {
      long[] sums = new long[10];
      for (Row r : rows) {
        sums[0]++;
        sums[1] += r.getLong("vcpus");
        sums[2] += r.getLong("vcpus_used");
        sums[3] += r.getLong("memory_mb");
        sums[4] += r.getLong("memory_mb_used");
        sums[5] += r.getLong("local_gb");
        sums[6] += r.getLong("local_gb_used");
        sums[7] += r.getInteger("running_vms");
        sums[8] += r.getInteger("current_workload");
      }
      Replies.json(ctx, 200, new JsonObject().put("hypervisor_statistics", new JsonObject().put("count", sums[0])
          .put("vcpus", sums[1]).put("vcpus_used", sums[2]).put("memory_mb", sums[3]).put("memory_mb_used", sums[4])
          .put("free_ram_mb", sums[3] - sums[4]).put("local_gb", sums[5]).put("local_gb_used", sums[6])
          .put("free_disk_gb", sums[5] - sums[6]).put("disk_available_least", sums[5] - sums[6])
          .put("running_vms", sums[7]).put("current_workload", sums[8])));
    }).onFailure(ctx::fail);
  }

  private static JsonObject brief(Row r) {
    return new JsonObject().put("id", r.getLong("id")).put("hypervisor_hostname", r.getString("host"))
        .put("state", r.getBoolean("up") ? "up" : "down").put("status", r.getBoolean("enabled") ? "enabled" : "disabled");
  }

  private static JsonObject detail(Row r) {
    long mem = r.getLong("memory_mb");
    long memUsed = r.getLong("memory_mb_used");
    long disk = r.getLong("local_gb");
    long diskUsed = r.getLong("local_gb_used");
    return brief(r).put("hypervisor_type", r.getString("hypervisor_type"))
        .put("hypervisor_version", r.getLong("hypervisor_version")).put("vcpus", r.getLong("vcpus"))
        .put("vcpus_used", r.getLong("vcpus_used")).put("memory_mb", mem).put("memory_mb_used", memUsed)
        .put("free_ram_mb", mem - memUsed).put("local_gb", disk).put("local_gb_used", diskUsed)
        .put("free_disk_gb", disk - diskUsed).put("disk_available_least", disk - diskUsed)
        .put("running_vms", r.getInteger("running_vms")).put("current_workload", r.getInteger("current_workload"))
        .put("host_ip", "").put("cpu_info", "{}")
        .put("service", new JsonObject().put("host", r.getString("host")).put("id", r.getLong("id"))
            .put("disabled_reason", r.getString("disabled_reason")));
  }

  static String updatedAt(OffsetDateTime t) {
    return t.withOffsetSameInstant(java.time.ZoneOffset.UTC).toLocalDateTime().toString();
  }
}
