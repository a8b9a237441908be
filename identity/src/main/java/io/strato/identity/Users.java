package io.strato.identity;

import io.strato.common.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** Users in the {@code keystone} schema. The password hash never leaves this class except for checking. */
final class Users {
  private static final String COLUMNS = "id, name, domain_id, enabled, default_project_id, email, description";
  private final Pool pool;
  private final String baseUrl;

  /** What authentication needs to know about a user. */
  record Credentials(String id, String name, String domainId, String passwordHash, boolean enabled) {}

  Users(Pool pool, String baseUrl) {
    this.pool = pool;
    this.baseUrl = baseUrl;
  }

  Future<JsonObject> create(String name, String domainId, String passwordHash, boolean enabled,
      String defaultProjectId, String email, String description) {
    return pool.preparedQuery("INSERT INTO users(id, name, domain_id, password_hash, enabled, default_project_id,"
            + " email, description) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING " + COLUMNS)
        .execute(Tuple.of(Ids.newId(), name, domainId, passwordHash, enabled, defaultProjectId, email,
            description == null ? "" : description))
        .map(rows -> json(rows.iterator().next()))
        .recover(e -> Future.failedFuture(Projects.isUniqueViolation(e)
            ? ApiException.conflict("Conflict occurred attempting to store user - Duplicate entry found with name "
                + name + " at domain ID " + domainId + ".")
            : e));
  }

  /** The user of that name in the domain, or null when there is none. */
  Future<JsonObject> find(String name, String domainId) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM users WHERE name = $1 AND domain_id = $2")
        .execute(Tuple.of(name, domainId)).map(rows -> rows.size() == 0 ? null : json(rows.iterator().next()));
  }

  /**
   * Creates the user (enabled, with this password hash) unless one of that name exists; an existing user is answered
   * unchanged: its password and enabled flag stay what its administrators made them.
   */
  Future<JsonObject> ensure(String name, String domainId, String passwordHash, String defaultProjectId) {
    return pool.preparedQuery("INSERT INTO users(id, name, domain_id, password_hash, default_project_id)"
            + " VALUES ($1,$2,$3,$4,$5) ON CONFLICT (domain_id, name) DO NOTHING")
        .execute(Tuple.of(Ids.newId(), name, domainId, passwordHash, defaultProjectId))
        .compose(r -> find(name, domainId));
  }

  /** Replaces a password hash by a stronger one of the same password, unless the password changed meanwhile. */
  Future<Void> replacePasswordHash(String id, String oldHash, String newHash) {
    return pool.preparedQuery("UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2")
        .execute(Tuple.of(id, oldHash, newHash)).mapEmpty();
  }

  Future<JsonObject> get(String id) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM users WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> first(rows, "Could not find user: " + id + "."));
  }

  Future<List<JsonObject>> list(String name, String domainId) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM users WHERE true");
    Tuple args = Tuple.tuple();
    if (name != null) sql.append(" AND name = $").append(args.addString(name).size());
    if (domainId != null) sql.append(" AND domain_id = $").append(args.addString(domainId).size());
    return pool.preparedQuery(sql.append(" ORDER BY name").toString()).execute(args).map(rows -> {
      List<JsonObject> out = new ArrayList<>();
      rows.forEach(r -> out.add(json(r)));
      return out;
    });
  }

  /** Credentials by id, or by name within a domain (given by id or by name); 401 when there is no such user. */
  Future<Credentials> credentials(String id, String name, String domainId, String domainName) {
    String sql = "SELECT u.id, u.name, u.domain_id, u.password_hash, u.enabled FROM users u JOIN domains d"
        + " ON d.id = u.domain_id WHERE ";
    Future<RowSet<Row>> rows;
    if (id != null) {
      rows = pool.preparedQuery(sql + "u.id = $1").execute(Tuple.of(id));
    } else if (domainId != null) {
      rows = pool.preparedQuery(sql + "u.name = $1 AND d.id = $2").execute(Tuple.of(name, domainId));
    } else {
      rows = pool.preparedQuery(sql + "u.name = $1 AND d.name = $2").execute(Tuple.of(name, domainName));
    }
    return rows.map(rs -> {
      if (rs.size() == 0) throw ApiException.unauthorized("The request you have made requires authentication.");
      Row r = rs.iterator().next();
      return new Credentials(r.getString("id"), r.getString("name"), r.getString("domain_id"),
          r.getString("password_hash"), r.getBoolean("enabled"));
    });
  }

  /** Applies a PATCH; {@code newPasswordHash} is null when the password does not change. */
  Future<JsonObject> update(String id, JsonObject changes, String newPasswordHash) {
    return get(id).compose(u -> pool.preparedQuery("UPDATE users SET name = $2, enabled = $3, default_project_id = $4,"
            + " email = $5, description = $6, password_hash = coalesce($7, password_hash) WHERE id = $1 RETURNING "
            + COLUMNS)
        .execute(Tuple.of(id, changes.getString("name", u.getString("name")),
            changes.getBoolean("enabled", u.getBoolean("enabled")),
            changes.getString("default_project_id", u.getString("default_project_id")),
            changes.getString("email", u.getString("email")),
            changes.getString("description", u.getString("description", "")), newPasswordHash))
        .map(rows -> json(rows.iterator().next())));
  }

  Future<Void> delete(String id) {
    return pool.preparedQuery("DELETE FROM users WHERE id = $1").execute(Tuple.of(id)).map(rows -> {
      if (rows.rowCount() == 0) throw ApiException.notFound("Could not find user: " + id + ".");
      return null;
    });
  }

  private JsonObject first(RowSet<Row> rows, String notFound) {
    if (rows.size() == 0) throw ApiException.notFound(notFound);
    return json(rows.iterator().next());
  }

  private JsonObject json(Row r) {
    String id = r.getString("id");
    JsonObject j = new JsonObject().put("id", id).put("name", r.getString("name"))
        .put("domain_id", r.getString("domain_id")).put("enabled", r.getBoolean("enabled"))
        .put("password_expires_at", null).put("options", new JsonObject())
        .put("links", new JsonObject().put("self", baseUrl + "/v3/users/" + id));
    if (r.getString("default_project_id") != null) j.put("default_project_id", r.getString("default_project_id"));
    if (r.getString("email") != null) j.put("email", r.getString("email"));
    if (!r.getString("description").isEmpty()) j.put("description", r.getString("description"));
    return j;
  }
}
