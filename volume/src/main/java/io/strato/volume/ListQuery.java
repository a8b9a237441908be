package io.strato.volume;

import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Tuple;
import java.util.Set;
import java.util.UUID;

/**
 * A Cinder list query over one table (volumes, snapshots): the caller's project (an admin's acting project, or every
 * project's with {@code all_tenants}, narrowed by {@code project_id}), equality filters, newest first with
 * {@code limit} (at most {@link #MAX_LIMIT}) and {@code marker}. Filters it is not told about are ignored, as Cinder
 * does before 3.34.
 */
public class ListQuery {
  public static final int MAX_LIMIT = 1000;
  private static final Set<String> TRUE = Set.of("1", "true", "True", "TRUE", "yes", "on");
  private final String select;
  private final String alias;
  private final StringBuilder where = new StringBuilder(" WHERE true");
  private final Tuple args = Tuple.tuple();
  public final int limit;

  /** {@code select} reads {@code table} as {@code alias}, whose {@code id}, {@code project_id}, {@code created_at} it uses. */
  public ListQuery(RoutingContext ctx, Scope scope, String select, String alias, String table) {
    this.select = select;
    this.alias = alias;
    MultiMap q = ctx.queryParams();
    this.limit = limit(q.get("limit"));
    boolean allTenants = scope.admin() && isTrue(q.get("all_tenants"));
    if (!allTenants) {
      equal("project_id", scope.projectId());
    } else {
      equal("project_id", q.get("project_id"));
    }
    String marker = q.get("marker");
    if (marker != null) {
      if (!Fields.isUuid(marker)) throw ApiException.badRequest("marker [" + marker + "] not found");
      where.append(" AND (").append(alias).append(".created_at, ").append(alias).append(".id) < (SELECT created_at, id")
          .append(" FROM ").append(table).append(" WHERE id = $")
          .append(args.addUUID(UUID.fromString(Fields.uuid(marker, "marker"))).size()).append(")");
    }
  }

  static boolean isTrue(String value) {
    return value != null && TRUE.contains(value);
  }

  /** {@code alias.column = value}, unless {@code value} is null (not asked for). */
  public ListQuery equal(String column, String value) {
    if (value != null) where.append(" AND ").append(alias).append('.').append(column).append(" = $")
        .append(args.addString(value).size());
    return this;
  }

  /** {@code alias.column = value} for a uuid column; a value that is no uuid matches nothing. */
  public ListQuery equalUuid(String column, String value) {
    if (value == null) return this;
    if (!Fields.isUuid(value)) {
      where.append(" AND false");
      return this;
    }
    where.append(" AND ").append(alias).append('.').append(column).append(" = $")
        .append(args.addUUID(UUID.fromString(Fields.uuid(value, column))).size());
    return this;
  }

  /** {@code alias.column = value} for a boolean column, Cinder's truthy spellings meaning true. */
  public ListQuery bool(String column, String value) {
    if (value != null) where.append(" AND ").append(alias).append('.').append(column).append(" = $")
        .append(args.addBoolean(isTrue(value)).size());
    return this;
  }

  private static int limit(String text) {
    if (text == null) return MAX_LIMIT;
    if (!text.matches("\\d{1,9}")) {
      throw ApiException.badRequest("Invalid input received: limit must be a non-negative integer, not '" + text
          + "'.");
    }
    return Math.min(Integer.parseInt(text), MAX_LIMIT);
  }

  public String sql() {
    return select + where + " ORDER BY " + alias + ".created_at DESC, " + alias + ".id DESC LIMIT " + limit;
  }

  public Tuple args() {
    return args;
  }

  /**
   * Puts {@code items} and, when the page is full, Cinder's {@code <items>_links} with the next page's URL (this
   * request's with {@code marker} set to the last id) into a list reply.
   */
  public JsonObject page(RoutingContext ctx, String items, JsonArray list, String lastId) {
    JsonObject body = new JsonObject().put(items, list);
    if (!list.isEmpty() && list.size() == limit) {
      String next = ctx.request().absoluteURI().replaceAll("[?&]marker=[^&]*", "");
      next += (next.contains("?") ? "&" : "?") + "marker=" + lastId;
      body.put(items + "_links", new JsonArray().add(new JsonObject().put("rel", "next").put("href", next)));
    }
    return body;
  }
}
