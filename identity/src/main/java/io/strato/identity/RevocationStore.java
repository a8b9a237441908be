package io.strato.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Revocation events as Keystone keeps them, served to every service by {@code GET /v3/OS-REVOKE/events}. */
final class RevocationStore {
  private final Pool pool;

  RevocationStore(Pool pool) {
    this.pool = pool;
  }

  /** Revokes one token (by its audit id); answers the event for local application. */
  Future<JsonObject> revokeToken(String auditId) {
    return insert(auditId, null);
  }

  /** Revokes every token of a user issued up to now (user disabled, password changed). */
  Future<JsonObject> revokeUser(String userId) {
    return insert(null, userId);
  }

  private Future<JsonObject> insert(String auditId, String userId) {
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    return pool.preparedQuery("INSERT INTO revocations(audit_id, user_id, issued_before) VALUES ($1, $2, $3)")
        .execute(Tuple.of(auditId, userId, now)).map(r -> event(auditId, userId, now));
  }

  /** Events recorded since {@code sinceMillis} (and no older than the token lifetime). */
  Future<JsonArray> since(long sinceMillis, long ttlSeconds) {
    long floor = Math.max(sinceMillis, System.currentTimeMillis() - ttlSeconds * 1000);
    OffsetDateTime from = OffsetDateTime.ofInstant(Instant.ofEpochMilli(floor), ZoneOffset.UTC);
    return pool.preparedQuery("SELECT audit_id, user_id, issued_before FROM revocations WHERE created_at >= $1"
        + " ORDER BY id").execute(Tuple.of(from)).map(rows -> {
          JsonArray events = new JsonArray();
          rows.forEach(r -> events.add(event(r.getString("audit_id"), r.getString("user_id"),
              r.getOffsetDateTime("issued_before"))));
          return events;
        });
  }

  private static JsonObject event(String auditId, String userId, OffsetDateTime issuedBefore) {
    JsonObject e = new JsonObject().put("issued_before", Timestamps.iso(issuedBefore.toInstant()))
        .put("issued_before_ms", issuedBefore.toInstant().toEpochMilli());
    if (auditId != null) e.put("audit_id", auditId);
    if (userId != null) e.put("user_id", userId);
    return e;
  }
}
