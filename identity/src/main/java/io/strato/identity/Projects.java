package io.strato.identity;

import io.strato.common.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** Projects in the {@code keystone} schema, in Keystone's JSON shape. */
final class Projects {
  private static final String COLUMNS = "id, name, domain_id, description, enabled";
  private final Pool pool;
  private final String baseUrl;

  Projects(Pool pool, String baseUrl) {
    this.pool = pool;
    this.baseUrl = baseUrl;
  }

  Future<JsonObject> create(String name, String domainId, String description, boolean enabled) {
    return pool.preparedQuery("INSERT INTO projects(id, name, domain_id, description, enabled) VALUES ($1,$2,$3,$4,$5)"
            + " RETURNING " + COLUMNS)
        .execute(Tuple.of(Ids.newId(), name, domainId, description, enabled))
        .map(rows -> json(rows.iterator().next()))
        .recover(e -> Future.failedFuture(isUniqueViolation(e)
            ? ApiException.conflict("Conflict occurred attempting to store project - Duplicate entry found with name "
                + name + " at domain ID " + domainId + ".")
            : e));
  }

  /** Creates it unless a project of that name exists in the domain; answers the project either way. */
  Future<JsonObject> ensure(String name, String domainId, String description) {
    return pool.preparedQuery("INSERT INTO projects(id, name, domain_id, description) VALUES ($1,$2,$3,$4)"
            + " ON CONFLICT (domain_id, name) DO NOTHING").execute(Tuple.of(Ids.newId(), name, domainId, description))
        .compose(r -> byName(name, domainId)).map(p -> p);
  }

  Future<JsonObject> get(String id) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM projects WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> first(rows, "Could not find project: " + id + "."));
  }

  Future<JsonObject> byName(String name, String domainId) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM projects WHERE name = $1 AND domain_id = $2")
        .execute(Tuple.of(name, domainId)).map(rows -> first(rows, "Could not find project: " + name + "."));
  }

  Future<List<JsonObject>> list(String name, String domainId) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM projects WHERE true");
    Tuple args = Tuple.tuple();
    if (name != null) sql.append(" AND name = $").append(args.addString(name).size());
    if (domainId != null) sql.append(" AND domain_id = $").append(args.addString(domainId).size());
    return pool.preparedQuery(sql.append(" ORDER BY name").toString()).execute(args).map(this::all);
  }

  Future<List<JsonObject>> forUser(String userId) {
    return pool.preparedQuery("SELECT DISTINCT p.id, p.name, p.domain_id, p.description, p.enabled FROM projects p"
        + " JOIN assignments a ON a.project_id = p.id WHERE a.user_id = $1 ORDER BY p.name").execute(Tuple.of(userId))
        .map(this::all);
  }

  Future<JsonObject> update(String id, JsonObject changes) {
    return get(id).compose(p -> pool.preparedQuery("UPDATE projects SET name = $2, description = $3, enabled = $4"
            + " WHERE id = $1 RETURNING " + COLUMNS)
        .execute(Tuple.of(id, changes.getString("name", p.getString("name")),
            changes.getString("description", p.getString("description")),
            changes.getBoolean("enabled", p.getBoolean("enabled"))))
        .map(rows -> json(rows.iterator().next())));
  }

  Future<Void> delete(String id) {
    return pool.preparedQuery("DELETE FROM projects WHERE id = $1").execute(Tuple.of(id)).map(rows -> {
      if (rows.rowCount() == 0) throw ApiException.notFound("Could not find project: " + id + ".");
      return null;
    });
  }

  private List<JsonObject> all(RowSet<Row> rows) {
    List<JsonObject> out = new ArrayList<>();
    rows.forEach(r -> out.add(json(r)));
    return out;
  }

  private JsonObject first(RowSet<Row> rows, String notFound) {
    if (rows.size() == 0) throw ApiException.notFound(notFound);
    return json(rows.iterator().next());
  }

  private JsonObject json(Row r) {
    String id = r.getString("id");
    return new JsonObject().put("id", id).put("name", r.getString("name")).put("domain_id", r.getString("domain_id"))
        .put("description", r.getString("description")).put("enabled", r.getBoolean("enabled"))
        .put("is_domain", false).put("parent_id", r.getString("domain_id")).put("tags", new io.vertx.core.json.JsonArray())
        .put("options", new JsonObject()).put("links", new JsonObject().put("self", baseUrl + "/v3/projects/" + id));
  }

  static boolean isUniqueViolation(Throwable e) {
    return e instanceof PgException pg && "23505".equals(pg.getSqlState());
  }
}
