package io.strato.image;

import io.strato.common.auth.Token;
import io.strato.common.http.ApiException;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * {@code GET /v2/images} as Glance answers it: filters {@code name}, {@code status}, {@code visibility}, {@code owner},
 * {@code tag}, {@code disk_format}, {@code container_format}, {@code size_min}, {@code size_max} and (for images shared
 * with the caller) {@code member_status}; order by {@code sort=key[:dir],...} or {@code sort_key}/{@code sort_dir}
 * (default {@code created_at:desc}, {@code id} breaking ties); {@code limit} (default 25, at most 1000) and
 * {@code marker} (an image of the same listing; any other gives an empty page).
 *
 * <p>What a caller sees without a visibility filter: its project's images, public ones, and {@code shared} ones whose
 * membership it accepted (admins: all); community images only when asked for. A marker is found by its row number in
 * the ordered listing, so paging works for every sort, NULLs included.
 */
public final class ImageQuery {
  static final Set<String> VISIBILITIES = Set.of("public", "private", "shared", "community", "all");
  static final List<String> SORT_KEYS = List.of("name", "status", "container_format", "disk_format", "size", "id",
      "created_at", "updated_at");
  /** Query parameters a next link carries on. */
  static final List<String> FILTERS = List.of("name", "status", "visibility", "owner", "tag", "disk_format",
      "container_format", "size_min", "size_max", "member_status", "sort", "sort_key", "sort_dir");
  private static final Set<String> MEMBER_STATUSES = Set.of("accepted", "pending", "rejected", "all");
  private final StringBuilder where = new StringBuilder(" WHERE true");
  private final Tuple args = Tuple.tuple();
  private String orderBy;
  private UUID marker;
  final int limit;

  private ImageQuery(int limit) {
    this.limit = limit;
  }

  public static ImageQuery from(RoutingContext ctx, Token token) {
    var q = ctx.queryParams();
    ImageQuery query = new ImageQuery(limit(q.get("limit")));
    String visibility = q.get("visibility");
    if (visibility != null && !VISIBILITIES.contains(visibility)) {
      throw ApiException.badRequest("Invalid visibility value: " + visibility);
    }
    String memberStatus = q.get("member_status") == null ? "accepted" : q.get("member_status");
    if (!MEMBER_STATUSES.contains(memberStatus)) throw ApiException.badRequest("Invalid status value: " + memberStatus);
    if (visibility != null && !visibility.equals("all")) query.add("visibility = ", visibility);
    if (!token.isAdmin() && !"community".equals(visibility) && !"public".equals(visibility)) {
      int me = query.args.addString(token.projectId()).size();
      query.where.append(" AND (owner = $").append(me).append(" OR visibility = 'public'")
          .append(" OR (visibility = 'shared' AND EXISTS (SELECT 1 FROM image_members m WHERE m.image_id = images.id")
          .append(" AND m.member = $").append(me);
      if (!memberStatus.equals("all")) query.where.append(" AND m.status = $").append(query.args.addString(memberStatus)
          .size());
      query.where.append(")))");
    }
    if (visibility == null) query.where.append(" AND visibility <> 'community'");
    for (String column : List.of("name", "status", "owner", "disk_format", "container_format")) {
      if (q.get(column) != null) query.add(column + " = ", q.get(column));
    }
    if (q.get("tag") != null) query.where.append(" AND tags ? $").append(query.args.addString(q.get("tag")).size());
    query.size(q, "size_min", ">=");
    query.size(q, "size_max", "<=");
    query.orderBy = order(q);
    if (q.get("marker") != null) {
      try {
        query.marker = UUID.fromString(q.get("marker"));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("Invalid marker " + q.get("marker"));
      }
    }
    return query;
  }

  private static int limit(String text) {
    if (text == null) return 25;
    int limit;
    try {
      limit = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("limit param must be an integer");
    }
    if (limit < 0) throw ApiException.badRequest("limit param must be positive");
    return Math.min(1000, limit);
  }

  private void size(MultiMap q, String param, String comparison) {
    String text = q.get(param);
    if (text == null) return;
    long bytes;
    try {
      bytes = Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("Invalid value for " + param + ": " + text + " is not an integer.");
    }
    where.append(" AND size ").append(comparison).append(" $").append(args.addLong(bytes).size());
  }

  /** Glance's {@code sort=name:asc,size} (default direction desc) or the older {@code sort_key}/{@code sort_dir}. */
  private static String order(MultiMap q) {
    List<String> keys = new ArrayList<>();
    List<String> dirs = new ArrayList<>();
    String sort = q.get("sort");
    if (sort != null) {
      if (q.get("sort_key") != null || q.get("sort_dir") != null) {
        throw ApiException.badRequest("The 'sort' parameter cannot be combined with 'sort_key' or 'sort_dir'.");
      }
      for (String part : sort.split(",", -1)) {
        String[] kd = part.trim().split(":", -1);
        if (kd.length > 2) throw ApiException.badRequest("Invalid sort value: " + part);
        keys.add(kd[0].trim());
        dirs.add(kd.length == 2 ? kd[1].trim() : "desc");
      }
    } else {
      keys.addAll(q.getAll("sort_key"));
      dirs.addAll(q.getAll("sort_dir"));
      if (dirs.size() > Math.max(1, keys.size())) throw ApiException.badRequest("Too many sort_dir values.");
      while (dirs.size() < keys.size()) dirs.add(dirs.isEmpty() ? "desc" : dirs.get(0));
    }
    StringBuilder sql = new StringBuilder();
    for (int i = 0; i < keys.size(); i++) {
      String key = keys.get(i);
      String dir = dirs.get(i);
      if (!SORT_KEYS.contains(key)) {
        throw ApiException.badRequest("Invalid sort key: " + key + ". It must be one of the following: "
            + String.join(", ", SORT_KEYS) + ".");
      }
      if (!dir.equals("asc") && !dir.equals("desc")) throw ApiException.badRequest("Invalid sort direction: " + dir);
      sql.append(key).append(' ').append(dir.toUpperCase()).append(", ");
    }
    return sql.append("created_at DESC, id DESC").toString();
  }

  private void add(String condition, String value) {
    where.append(" AND ").append(condition).append("$").append(args.addString(value).size());
  }

  String sql() {
    String ordered = "SELECT " + Image.COLUMNS + ", row_number() OVER (ORDER BY " + orderBy + ") AS list_position"
        + " FROM images" + where;
    if (marker == null) return ordered + " ORDER BY " + orderBy + " LIMIT " + limit;
    return "WITH listing AS (" + ordered + ") SELECT * FROM listing WHERE list_position > (SELECT list_position"
        + " FROM listing WHERE id = $" + (args.size() + 1) + ") ORDER BY list_position LIMIT " + limit;
  }

  Tuple args() {
    if (marker == null) return args;
    Tuple withMarker = Tuple.tuple();
    for (int i = 0; i < args.size(); i++) withMarker.addValue(args.getValue(i));
    return withMarker.addUUID(marker);
  }
}
