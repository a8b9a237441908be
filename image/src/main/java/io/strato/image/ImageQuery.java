package io.strato.image;

import io.strato.common.auth.Token;
import io.strato.common.http.ApiException;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Tuple;
import java.util.Set;
import java.util.UUID;

/**
 * {@code GET /v2/images} filters: {@code name}, {@code status}, {@code visibility}, {@code owner}, {@code tag},
 * newest first with {@code limit} (default 25, at most 1000) and {@code marker}. Without a visibility filter a caller
 * sees its project's images and public ones (admins: all); community images only when asked for.
 */
public final class ImageQuery {
  static final Set<String> VISIBILITIES = Set.of("public", "private", "shared", "community", "all");
  private final StringBuilder where = new StringBuilder(" WHERE true");
  private final Tuple args = Tuple.tuple();
  final int limit;

  private ImageQuery(int limit) {
    this.limit = limit;
  }

  public static ImageQuery from(RoutingContext ctx, Token token) {
    var q = ctx.queryParams();
    int limit = 25;
    if (q.get("limit") != null) {
      try {
        limit = Math.min(1000, Integer.parseInt(q.get("limit")));
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("limit param must be an integer");
      }
      if (limit < 0) throw ApiException.badRequest("limit param must be positive");
    }
    ImageQuery query = new ImageQuery(limit);
    String visibility = q.get("visibility");
    if (visibility != null && !VISIBILITIES.contains(visibility)) {
      throw ApiException.badRequest("Invalid visibility value: " + visibility);
    }
    if (visibility != null && !visibility.equals("all")) query.add("visibility = ", visibility);
    if (!token.isAdmin()) {
      if ("community".equals(visibility) || "public".equals(visibility)) {
        query.where.append(" AND true");
      } else {
        query.where.append(" AND (owner = $").append(query.args.addString(token.projectId()).size())
            .append(" OR visibility = 'public')");
      }
    }
    if (visibility == null) query.where.append(" AND visibility <> 'community'");
    if (q.get("name") != null) query.add("name = ", q.get("name"));
    if (q.get("status") != null) query.add("status = ", q.get("status"));
    if (q.get("owner") != null) query.add("owner = ", q.get("owner"));
    if (q.get("tag") != null) {
      query.where.append(" AND tags ? $").append(query.args.addString(q.get("tag")).size());
    }
    if (q.get("marker") != null) {
      UUID marker;
      try {
        marker = UUID.fromString(q.get("marker"));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("Invalid marker " + q.get("marker"));
      }
      query.where.append(" AND (created_at, id) < (SELECT created_at, id FROM images WHERE id = $")
          .append(query.args.addUUID(marker).size()).append(")");
    }
    return query;
  }

  private void add(String condition, String value) {
    where.append(" AND ").append(condition).append("$").append(args.addString(value).size());
  }

  String sql() {
    return "SELECT " + Image.COLUMNS + " FROM images" + where + " ORDER BY created_at DESC, id DESC LIMIT " + limit;
  }

  Tuple args() {
    return args;
  }
}
