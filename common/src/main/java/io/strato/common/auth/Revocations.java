package io.strato.common.auth;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keystone-style revocation events as seen by one service: a token is revoked when its audit id was revoked, or
 * when its user had all tokens issued before some instant revoked (disabled, password changed).
 * Events older than the token lifetime are dropped, since every token they could match has expired.
 */
public final class Revocations {
  private final Map<String, Long> byAuditId = new ConcurrentHashMap<>();
  private final Map<String, Long> byUserIssuedBefore = new ConcurrentHashMap<>();

  /** Applies one event in Keystone's shape: {@code audit_id} or {@code user_id}, with {@code issued_before} (ms). */
  public void apply(JsonObject event) {
    long before = event.getLong("issued_before_ms", Long.MAX_VALUE);
    String auditId = event.getString("audit_id");
    String userId = event.getString("user_id");
    if (auditId != null) byAuditId.put(auditId, before);
    if (userId != null) byUserIssuedBefore.merge(userId, before, Math::max);
  }

  public boolean isRevoked(Token token) {
    if (byAuditId.containsKey(token.auditId())) return true;
    Long before = byUserIssuedBefore.get(token.userId());
    return before != null && token.issuedAtMillis() <= before;
  }

  /** Forgets events that can no longer match an unexpired token. */
  public void expireOlderThan(long cutoffMillis) {
    byAuditId.values().removeIf(t -> t < cutoffMillis);
    byUserIssuedBefore.values().removeIf(t -> t < cutoffMillis);
  }
}
