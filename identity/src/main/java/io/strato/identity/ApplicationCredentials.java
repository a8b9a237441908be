package io.strato.identity;

import io.strato.common.auth.Token;
import io.strato.common.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** Application credentials in the {@code keystone} schema. The secret's hash never leaves this class but to be checked. */
final class ApplicationCredentials {
  private static final String COLUMNS = "id, name, user_id, project_id, description, secret_hash, roles,"
      + " unrestricted, expires_at, audit_id";
  private final Pool pool;

  /** One credential; {@code roles} as {@code [{"id", "name"}]}. */
  record Credential(String id, String name, String userId, String projectId, String description, String secretHash,
      JsonArray roles, boolean unrestricted, OffsetDateTime expiresAt, String auditId) {

    List<Token.Role> tokenRoles() {
      List<Token.Role> out = new ArrayList<>();
      roles.forEach(r -> out.add(new Token.Role(((JsonObject) r).getString("id"), ((JsonObject) r).getString("name"))));
      return out;
    }

    boolean expired() {
      return expiresAt != null && expiresAt.isBefore(OffsetDateTime.now());
    }
  }

  ApplicationCredentials(Pool pool) {
    this.pool = pool;
  }

  /** Stores a credential; 409 when its user already has one of that name. */
  Future<Credential> create(Credential c) {
    return pool.preparedQuery("INSERT INTO application_credentials(" + COLUMNS + ") VALUES ($1,$2,$3,$4,$5,$6,$7,"
            + "$8,$9,$10) RETURNING " + COLUMNS)
        .execute(Tuple.tuple().addString(c.id()).addString(c.name()).addString(c.userId()).addString(c.projectId())
            .addString(c.description()).addString(c.secretHash()).addValue(c.roles()).addBoolean(c.unrestricted())
            .addOffsetDateTime(c.expiresAt()).addString(c.auditId()))
        .map(rows -> from(rows.iterator().next()))
        .recover(e -> Future.failedFuture(Projects.isUniqueViolation(e)
            ? ApiException.conflict("Conflict occurred attempting to store application_credential - Duplicate entry.")
            : e));
  }

  /** The user's credentials, or only the one named {@code name} when it is not null. */
  Future<List<Credential>> list(String userId, String name) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM application_credentials WHERE user_id = $1"
            + " AND ($2::text IS NULL OR name = $2) ORDER BY created_at, id")
        .execute(Tuple.of(userId, name)).map(rows -> {
          List<Credential> out = new ArrayList<>();
          for (Row r : rows) out.add(from(r));
          return out;
        });
  }

  /** The user's credential {@code id}; 404 when it has none of that id. */
  Future<Credential> get(String userId, String id) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM application_credentials WHERE user_id = $1 AND id = $2")
        .execute(Tuple.of(userId, id)).map(rows -> {
          if (rows.size() == 0) throw notFound(id);
          return from(rows.iterator().next());
        });
  }

  /** The credential by id, or by name for a user; null when there is none (a login says no more than 401). */
  Future<Credential> forLogin(String id, String name, String userId) {
    Future<io.vertx.sqlclient.RowSet<Row>> rows = id != null
        ? pool.preparedQuery("SELECT " + COLUMNS + " FROM application_credentials WHERE id = $1").execute(Tuple.of(id))
        : pool.preparedQuery("SELECT " + COLUMNS + " FROM application_credentials WHERE name = $1 AND user_id = $2")
            .execute(Tuple.of(name, userId));
    return rows.map(rs -> rs.size() == 0 ? null : from(rs.iterator().next()));
  }

  /** The credential whose tokens carry {@code auditId} as their chain; null when there is none (any more). */
  Future<Credential> byAuditId(String auditId) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM application_credentials WHERE audit_id = $1")
        .execute(Tuple.of(auditId)).map(rs -> rs.size() == 0 ? null : from(rs.iterator().next()));
  }

  Future<Void> delete(String userId, String id) {
    return pool.preparedQuery("DELETE FROM application_credentials WHERE user_id = $1 AND id = $2")
        .execute(Tuple.of(userId, id)).map(r -> {
          if (r.rowCount() == 0) throw notFound(id);
          return null;
        });
  }

  static ApiException notFound(String id) {
    return ApiException.notFound("Could not find application credential: " + id + ".");
  }

  private static Credential from(Row r) {
    return new Credential(r.getString("id"), r.getString("name"), r.getString("user_id"), r.getString("project_id"),
        r.getString("description"), r.getString("secret_hash"), (JsonArray) r.getValue("roles"),
        r.getBoolean("unrestricted"), r.getOffsetDateTime("expires_at"), r.getString("audit_id"));
  }
}
