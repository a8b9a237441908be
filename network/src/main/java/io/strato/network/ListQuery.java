package io.strato.network;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Neutron list semantics shared by every collection: {@code ?attr=value} filters, a repeated parameter meaning "any
 * of these values", {@code fields=} to trim each item, {@code limit}/{@code marker} pages in id order with a
 * {@code <collection>_links} "next" link. Unknown filter names are ignored, as older Neutron servers do.
 */
final class ListQuery {
  private final MultiMap params;
  private final StringBuilder where = new StringBuilder(" WHERE true");
  private final Tuple args = Tuple.tuple();
  private final String alias;
  final List<String> fields;
  final int limit;
  private final String marker;

  private ListQuery(MultiMap params, String alias) {
    this.params = params;
    this.alias = alias;
    this.fields = fields(params);
    String l = params.get("limit");
    try {
      this.limit = l == null ? 0 : Integer.parseInt(l);
    } catch (NumberFormatException e) {
      throw Neutron.badRequest("Bad limit request: Limit must be an integer 0 or greater and not '" + l + "'");
    }
    if (limit < 0) throw Neutron.badRequest("Bad limit request: Limit must be an integer 0 or greater and not '" + l + "'");
    String m = params.get("marker");
    this.marker = m == null ? null : Neutron.uuidOrNull(m);
    if (m != null && marker == null) throw Neutron.badRequest("Invalid marker " + m);
  }

  /** Filters of the request; {@code alias} qualifies the id column ({@code n} for {@code networks n}). */
  static ListQuery from(RoutingContext ctx, String alias) {
    return new ListQuery(ctx.queryParams(), alias);
  }

  /** A query without request parameters, for lookups built in code. */
  static ListQuery of(String alias) {
    return new ListQuery(MultiMap.caseInsensitiveMultiMap(), alias);
  }

  /** Adds {@code column = ANY(values)} when {@code param} is present. */
  ListQuery text(String param, String column) {
    List<String> values = params.getAll(param);
    if (!values.isEmpty()) where("(" + column + ")::text = ANY(", values.toArray(String[]::new), ")");
    return this;
  }

  /** As {@link #text}, for uuid columns: a value that is no uuid matches nothing. */
  ListQuery uuid(String param, String column) {
    List<String> values = params.getAll(param);
    if (!values.isEmpty()) {
      String[] ids = values.stream().map(Neutron::uuidOrNull).filter(Objects::nonNull).toArray(String[]::new);
      where(column + " = ANY(", ids, "::text[]::uuid[])");
    }
    return this;
  }

  ListQuery bool(String param, String column) {
    List<String> values = params.getAll(param);
    if (values.isEmpty()) return this;
    Boolean[] b = values.stream().map(v -> switch (v.toLowerCase()) {
      case "true", "1" -> Boolean.TRUE;
      case "false", "0" -> Boolean.FALSE;
      default -> throw Neutron.badRequest("Invalid input for " + param + ": '" + v + "' is not a boolean.");
    }).toArray(Boolean[]::new);
    where(column + " = ANY(", b, ")");
    return this;
  }

  ListQuery integer(String param, String column) {
    List<String> values = params.getAll(param);
    if (values.isEmpty()) return this;
    try {
      where(column + " = ANY(", values.stream().map(Integer::valueOf).toArray(Integer[]::new), ")");
    } catch (NumberFormatException e) {
      throw Neutron.badRequest("Invalid input for " + param + ": not an integer.");
    }
    return this;
  }

  /** Adds a condition; {@code $?} placeholders in it take {@code values} in order. */
  ListQuery where(String condition, Object... values) {
    String sql = condition;
    for (Object v : values) sql = sql.replaceFirst("\\$\\?", "\\$" + args.addValue(v).size());
    where.append(" AND (").append(sql).append(")");
    return this;
  }

  private void where(String head, Object array, String tail) {
    where.append(" AND ").append(head).append("$").append(args.addValue(array).size()).append(tail);
  }

  List<String> values(String param) {
    return params.getAll(param);
  }

  /** {@code SELECT <columns> FROM <from>} with the filters, in id order, one page. */
  String sql(String columns, String from) {
    String id = alias == null ? "id" : alias + ".id";
    StringBuilder sb = new StringBuilder("SELECT ").append(columns).append(" FROM ").append(from).append(where);
    if (marker != null) sb.append(" AND ").append(id).append(" > '").append(marker).append("'::uuid");
    sb.append(" ORDER BY ").append(id);
    if (limit > 0) sb.append(" LIMIT ").append(limit);
    return sb.toString();
  }

  Tuple args() {
    return args;
  }

  /** The reply body: trimmed items under {@code collection}, with a next link when the page is full. */
  JsonObject reply(String collection, String path, List<JsonObject> items) {
    JsonArray out = new JsonArray();
    items.forEach(i -> out.add(trim(i)));
    JsonObject body = new JsonObject().put(collection, out);
    if (limit > 0 && items.size() == limit) {
      String last = items.get(items.size() - 1).getString("id");
      body.put(collection + "_links", new JsonArray().add(new JsonObject().put("rel", "next")
          .put("href", path + "?limit=" + limit + "&marker=" + last)));
    }
    return body;
  }

  /** {@code item} with only the asked-for {@code fields} (all of them when none were asked for). */
  JsonObject trim(JsonObject item) {
    return trim(item, fields);
  }

  static JsonObject trim(JsonObject item, List<String> fields) {
    if (fields.isEmpty()) return item;
    JsonObject out = new JsonObject();
    for (String f : fields) if (item.containsKey(f)) out.put(f, item.getValue(f));
    return out;
  }

  /** The {@code fields} a show asks for; like Neutron, a show ignores the list parameters (limit, marker). */
  static List<String> fields(RoutingContext ctx) {
    return fields(ctx.queryParams());
  }

  private static List<String> fields(MultiMap params) {
    List<String> f = new ArrayList<>();
    for (String v : params.getAll("fields")) {
      Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(f::add);
    }
    return List.copyOf(f);
  }
}
