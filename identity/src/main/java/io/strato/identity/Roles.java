package io.strato.identity;

import io.strato.common.auth.Token;
import io.strato.common.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** Roles and role assignments (user on project). */
final class Roles {
  private final Pool pool;
  private final String baseUrl;

  Roles(Pool pool, String baseUrl) {
    this.pool = pool;
    this.baseUrl = baseUrl;
  }

  Future<JsonObject> create(String name) {
    return pool.preparedQuery("INSERT INTO roles(id, name) VALUES ($1, $2) RETURNING id, name")
        .execute(Tuple.of(Ids.newId(), name)).map(rows -> json(rows.iterator().next()))
        .recover(e -> Future.failedFuture(Projects.isUniqueViolation(e)
            ? ApiException.conflict("Conflict occurred attempting to store role - Duplicate entry found with name "
                + name + ".")
            : e));
  }

  Future<JsonObject> ensure(String name) {
    return pool.preparedQuery("INSERT INTO roles(id, name) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
        .execute(Tuple.of(Ids.newId(), name))
        .compose(r -> pool.preparedQuery("SELECT id, name FROM roles WHERE name = $1").execute(Tuple.of(name)))
        .map(rows -> json(rows.iterator().next()));
  }

  Future<JsonObject> get(String id) {
    return pool.preparedQuery("SELECT id, name FROM roles WHERE id = $1").execute(Tuple.of(id)).map(rows -> {
      if (rows.size() == 0) throw ApiException.notFound("Could not find role: " + id + ".");
      return json(rows.iterator().next());
    });
  }

  Future<List<JsonObject>> list(String name) {
    return (name == null
        ? pool.query("SELECT id, name FROM roles ORDER BY name").execute()
        : pool.preparedQuery("SELECT id, name FROM roles WHERE name = $1").execute(Tuple.of(name)))
        .map(rows -> {
          List<JsonObject> out = new ArrayList<>();
          rows.forEach(r -> out.add(json(r)));
          return out;
        });
  }

  Future<Void> delete(String id) {
    return pool.preparedQuery("DELETE FROM roles WHERE id = $1").execute(Tuple.of(id)).map(rows -> {
      if (rows.rowCount() == 0) throw ApiException.notFound("Could not find role: " + id + ".");
      return null;
    });
  }

  Future<Void> grant(String projectId, String userId, String roleId) {
    return pool.preparedQuery("INSERT INTO assignments(user_id, project_id, role_id) VALUES ($1,$2,$3)"
        + " ON CONFLICT DO NOTHING").execute(Tuple.of(userId, projectId, roleId)).mapEmpty();
  }

  Future<Boolean> revoke(String projectId, String userId, String roleId) {
    return pool.preparedQuery("DELETE FROM assignments WHERE user_id = $1 AND project_id = $2 AND role_id = $3")
        .execute(Tuple.of(userId, projectId, roleId)).map(rows -> rows.rowCount() > 0);
  }

  Future<Boolean> has(String projectId, String userId, String roleId) {
    return pool.preparedQuery("SELECT 1 FROM assignments WHERE user_id = $1 AND project_id = $2 AND role_id = $3")
        .execute(Tuple.of(userId, projectId, roleId)).map(rows -> rows.size() > 0);
  }

  /** The roles a user holds on a project, as they go into a token. */
  Future<List<Token.Role>> onProject(String userId, String projectId) {
    return pool.preparedQuery("SELECT r.id, r.name FROM assignments a JOIN roles r ON r.id = a.role_id"
        + " WHERE a.user_id = $1 AND a.project_id = $2 ORDER BY r.name").execute(Tuple.of(userId, projectId))
        .map(rows -> {
          List<Token.Role> out = new ArrayList<>();
          rows.forEach(r -> out.add(new Token.Role(r.getString("id"), r.getString("name"))));
          return out;
        });
  }

  /** Assignments filtered like {@code GET /v3/role_assignments}; each null filter matches everything. */
  Future<List<JsonObject>> assignments(String userId, String projectId, String roleId, boolean includeNames) {
    String sql = "SELECT a.user_id, u.name AS user_name, u.domain_id AS user_domain, a.project_id, p.name AS project_name,"
        + " p.domain_id AS project_domain, a.role_id, r.name AS role_name FROM assignments a"
        + " JOIN users u ON u.id = a.user_id JOIN projects p ON p.id = a.project_id JOIN roles r ON r.id = a.role_id"
        + " WHERE ($1::text IS NULL OR a.user_id = $1) AND ($2::text IS NULL OR a.project_id = $2)"
        + " AND ($3::text IS NULL OR a.role_id = $3) ORDER BY u.name, p.name, r.name";
    return pool.preparedQuery(sql).execute(Tuple.of(userId, projectId, roleId)).map(rows -> assignmentJson(rows,
        includeNames));
  }

  private List<JsonObject> assignmentJson(RowSet<Row> rows, boolean includeNames) {
    List<JsonObject> out = new ArrayList<>();
    for (Row r : rows) {
      JsonObject user = new JsonObject().put("id", r.getString("user_id"));
      JsonObject project = new JsonObject().put("id", r.getString("project_id"));
      JsonObject role = new JsonObject().put("id", r.getString("role_id"));
      if (includeNames) {
        user.put("name", r.getString("user_name")).put("domain", domain(r.getString("user_domain")));
        project.put("name", r.getString("project_name")).put("domain", domain(r.getString("project_domain")));
        role.put("name", r.getString("role_name"));
      }
      out.add(new JsonObject().put("user", user).put("role", role)
          .put("scope", new JsonObject().put("project", project))
          .put("links", new JsonObject().put("assignment", baseUrl + "/v3/projects/" + r.getString("project_id")
              + "/users/" + r.getString("user_id") + "/roles/" + r.getString("role_id"))));
    }
    return out;
  }

  private static JsonObject domain(String id) {
    return new JsonObject().put("id", id).put("name", "default".equals(id) ? "Default" : id);
  }

  private JsonObject json(Row r) {
    String id = r.getString("id");
    return new JsonObject().put("id", id).put("name", r.getString("name")).put("domain_id", null)
        .put("description", null).put("options", new JsonObject())
        .put("links", new JsonObject().put("self", baseUrl + "/v3/roles/" + id));
  }
}
