package io.strato.volume;

import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Tuple;
import java.util.Set;
import java.util.UUID;

/**
 * {@code GET /volumes[/detail]} filters: {@code name}, {@code status}, {@code bootable}, {@code availability_zone},
 * newest first with {@code limit} (at most {@link #MAX_LIMIT}) and {@code marker}. A member sees its project's volumes;
 * an admin sees the acting project's, or every project's with {@code all_tenants} (narrowed by {@code project_id}).
 * Other query parameters are ignored, as Cinder does before 3.34.
 */
public final class VolumeQuery {
  public static final int MAX_LIMIT = 1000;
  private static final Set<String> TRUE = Set.of("1", "true", "True", "TRUE", "yes", "on");
  private final StringBuilder where = new StringBuilder(" WHERE true");
  private final Tuple args = Tuple.tuple();
  final int limit;

  private VolumeQuery(int limit) {
    this.limit = limit;
  }

  public static VolumeQuery from(RoutingContext ctx, Scope scope) {
    var q = ctx.queryParams();
    VolumeQuery query = new VolumeQuery(limit(q.get("limit")));
    boolean allTenants = scope.admin() && q.get("all_tenants") != null && TRUE.contains(q.get("all_tenants"));
    if (!allTenants) {
      query.add("v.project_id = ", scope.projectId());
    } else if (q.get("project_id") != null) {
      query.add("v.project_id = ", q.get("project_id"));
    }
    if (q.get("name") != null) query.add("v.name = ", q.get("name"));
    if (q.get("status") != null) query.add("v.status = ", q.get("status"));
    if (q.get("availability_zone") != null) query.add("v.availability_zone = ", q.get("availability_zone"));
    if (q.get("bootable") != null) {
      query.where.append(" AND v.bootable = $").append(query.args.addBoolean(TRUE.contains(q.get("bootable"))).size());
    }
    String marker = q.get("marker");
    if (marker != null) {
      if (!Fields.isUuid(marker)) throw ApiException.badRequest("marker [" + marker + "] not found");
      query.where.append(" AND (v.created_at, v.id) < (SELECT created_at, id FROM volumes WHERE id = $")
          .append(query.args.addUUID(UUID.fromString(Fields.uuid(marker, "marker"))).size()).append(")");
    }
    return query;
  }

  private static int limit(String text) {
    if (text == null) return MAX_LIMIT;
    if (!text.matches("\\d{1,9}")) {
      throw ApiException.badRequest("Invalid input received: limit must be a non-negative integer, not '" + text
          + "'.");
    }
    return Math.min(Integer.parseInt(text), MAX_LIMIT);
  }

  private void add(String condition, String value) {
    where.append(" AND ").append(condition).append("$").append(args.addString(value).size());
  }

  String sql() {
    return Volume.SELECT + where + " ORDER BY v.created_at DESC, v.id DESC LIMIT " + limit;
  }

  Tuple args() {
    return args;
  }
}
