package io.strato.identity;

import io.strato.common.auth.Revocations;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Revocation events as Keystone keeps them, served to every service by {@code GET /v3/OS-REVOKE/events} (the kinds
 * are listed on {@link Revocations}). Every event written is applied at once to identity's own verifier, and reaches
 * the other services at their next poll.
 *
 * <p>The table stays bounded like every service's memory: each write deletes events older than the token lifetime,
 * an event by user, project, user on project or role replaces the older one of the same key, and past
 * {@code token.revocation.max.per.user} single-token events of one user they are replaced by one user-wide event at
 * the latest of them (the same rule {@link Revocations} applies in memory).
 */
final class RevocationStore {
  private final Pool pool;
  private final long ttlMillis;
  private final int maxTokensPerUser;
  private final Revocations local;

  RevocationStore(Pool pool, long ttlSeconds, int maxTokensPerUser, Revocations local) {
    this.pool = pool;
    this.ttlMillis = ttlSeconds * 1000;
    this.maxTokensPerUser = maxTokensPerUser;
    this.local = local;
  }

  private record Event(String auditId, String userId, String projectId, String roleId, OffsetDateTime issuedBefore) {
    JsonObject json() {
      JsonObject e = new JsonObject().put("issued_before", Timestamps.iso(issuedBefore.toInstant()))
          .put("issued_before_ms", issuedBefore.toInstant().toEpochMilli());
      if (auditId != null) e.put("audit_id", auditId);
      if (userId != null) e.put("user_id", userId);
      if (projectId != null) e.put("project_id", projectId);
      if (roleId != null) e.put("role_id", roleId);
      return e;
    }
  }

  /** Revokes one token of {@code userId} (by its audit id), and the tokens got from it. */
  Future<Void> revokeToken(String auditId, String userId) {
    return write(new Event(auditId, userId, null, null, now()));
  }

  /** Revokes every token of a user issued up to now (user disabled or deleted, password changed). */
  Future<Void> revokeUser(String userId) {
    return write(new Event(null, userId, null, null, now()));
  }

  /** Revokes every token scoped to a project issued up to now (project disabled or deleted). */
  Future<Void> revokeProject(String projectId) {
    return write(new Event(null, null, projectId, null, now()));
  }

  /** Revokes a user's tokens scoped to a project issued up to now (a role assignment removed). */
  Future<Void> revokeUserOnProject(String userId, String projectId) {
    return write(new Event(null, userId, projectId, null, now()));
  }

  /** Revokes every token carrying a role, issued up to now (the role deleted). */
  Future<Void> revokeRole(String roleId) {
    return write(new Event(null, null, null, roleId, now()));
  }

  private static OffsetDateTime now() {
    return OffsetDateTime.now(ZoneOffset.UTC);
  }

  private Future<Void> write(Event event) {
    return pool.withTransaction(conn -> forgetExpired(conn)
            .compose(v -> event.auditId() == null ? replaceSameKey(conn, event) : Future.succeededFuture())
            .compose(v -> insert(conn, event))
            .compose(v -> event.auditId() != null && event.userId() != null
                ? compactUser(conn, event.userId()) : Future.succeededFuture()))
        .map(v -> {
          local.apply(event.json());
          return null;
        });
  }

  private Future<Void> forgetExpired(SqlConnection conn) {
    return conn.preparedQuery("DELETE FROM revocations WHERE issued_before < $1")
        .execute(Tuple.of(now().minusNanos(ttlMillis * 1_000_000))).mapEmpty();
  }

  private Future<Void> replaceSameKey(SqlConnection conn, Event e) {
    return conn.preparedQuery("DELETE FROM revocations WHERE audit_id IS NULL AND user_id IS NOT DISTINCT FROM $1"
            + " AND project_id IS NOT DISTINCT FROM $2 AND role_id IS NOT DISTINCT FROM $3")
        .execute(Tuple.of(e.userId(), e.projectId(), e.roleId())).mapEmpty();
  }

  private Future<Void> insert(SqlConnection conn, Event e) {
    return conn.preparedQuery("INSERT INTO revocations(audit_id, user_id, project_id, role_id, issued_before)"
            + " VALUES ($1, $2, $3, $4, $5)")
        .execute(Tuple.of(e.auditId(), e.userId(), e.projectId(), e.roleId(), e.issuedBefore())).mapEmpty();
  }

  /** Past the per-user bound, the user's single-token events become one user-wide event at the latest of them. */
  private Future<Void> compactUser(SqlConnection conn, String userId) {
    return conn.preparedQuery("SELECT count(*), max(issued_before) FROM revocations WHERE user_id = $1"
            + " AND audit_id IS NOT NULL").execute(Tuple.of(userId))
        .compose(rows -> {
          var row = rows.iterator().next();
          if (row.getLong(0) <= maxTokensPerUser) return Future.succeededFuture();
          Event userWide = new Event(null, userId, null, null, row.getOffsetDateTime(1));
          return conn.preparedQuery("DELETE FROM revocations WHERE user_id = $1 AND audit_id IS NOT NULL")
              .execute(Tuple.of(userId))
              .compose(v -> conn.preparedQuery("SELECT max(issued_before) FROM revocations WHERE user_id = $1"
                  + " AND audit_id IS NULL AND project_id IS NULL AND role_id IS NULL").execute(Tuple.of(userId)))
              .compose(prior -> {
                OffsetDateTime before = prior.iterator().next().getOffsetDateTime(0);
                Event merged = before != null && before.isAfter(userWide.issuedBefore())
                    ? new Event(null, userId, null, null, before) : userWide;
                return replaceSameKey(conn, merged).compose(v -> insert(conn, merged));
              });
        });
  }

  /** Events recorded since {@code sinceMillis} (and no older than the token lifetime). */
  Future<JsonArray> since(long sinceMillis) {
    long floor = Math.max(sinceMillis, System.currentTimeMillis() - ttlMillis);
    OffsetDateTime from = OffsetDateTime.ofInstant(Instant.ofEpochMilli(floor), ZoneOffset.UTC);
    return pool.preparedQuery("SELECT audit_id, user_id, project_id, role_id, issued_before FROM revocations"
        + " WHERE created_at >= $1 ORDER BY id").execute(Tuple.of(from)).map(rows -> {
          JsonArray events = new JsonArray();
          rows.forEach(r -> events.add(new Event(r.getString("audit_id"), r.getString("user_id"),
              r.getString("project_id"), r.getString("role_id"), r.getOffsetDateTime("issued_before")).json()));
          return events;
        });
  }
}
