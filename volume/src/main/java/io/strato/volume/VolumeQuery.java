package io.strato.volume;

import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /volumes[/detail]} filters: {@code name}, {@code status}, {@code bootable}, {@code availability_zone},
 * with {@link ListQuery}'s project scoping and paging.
 */
public final class VolumeQuery {
  public static final int MAX_LIMIT = ListQuery.MAX_LIMIT;

  private VolumeQuery() {}

  public static ListQuery from(RoutingContext ctx, Scope scope) {
    var q = ctx.queryParams();
    return new ListQuery(ctx, scope, Volume.SELECT, "v", "volumes").equal("name", q.get("name"))
        .equal("status", q.get("status")).equal("availability_zone", q.get("availability_zone"))
        .bool("bootable", q.get("bootable"));
  }
}
