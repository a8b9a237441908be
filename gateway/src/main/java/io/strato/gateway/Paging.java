package io.strato.gateway;

import io.strato.common.http.ApiException;
import io.vertx.ext.web.RoutingContext;

/** Nova's {@code limit} and {@code marker} query parameters. */
public record Paging(int limit, String marker) {
  public static final int MAX_LIMIT = 1000;

  public static Paging of(RoutingContext ctx) {
    String l = ctx.queryParams().get("limit");
    int limit = MAX_LIMIT;
    if (l != null) {
      try {
        limit = Integer.parseInt(l);
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("Invalid input for query parameters limit. Value: " + l
            + ". '" + l + "' does not match '^[0-9]*$'");
      }
      if (limit < 0) throw ApiException.badRequest("Invalid input for query parameters limit: must be >= 0.");
      limit = Math.min(limit, MAX_LIMIT);
    }
    return new Paging(limit, ctx.queryParams().get("marker"));
  }
}
