package io.strato.common.auth;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keystone-style revocation events as seen by one service. An event names what it revokes, and a token matches when
 * it has everything the event names:
 * <ul>
 *   <li>{@code audit_id} (with the token's {@code user_id}): that token, and every token whose audit chain starts
 *       with it (tokens got from it with the {@code token} method);</li>
 *   <li>{@code user_id} alone: every token of that user issued up to {@code issued_before} (disabled, deleted,
 *       password changed);</li>
 *   <li>{@code project_id} alone: every token scoped to that project issued up to then (project disabled or
 *       deleted);</li>
 *   <li>{@code user_id} and {@code project_id}: that user's tokens scoped to that project (a role assignment
 *       removed);</li>
 *   <li>{@code role_id}: every token carrying that role (the role deleted).</li>
 * </ul>
 *
 * <p>Memory is bounded: events older than the token lifetime are dropped (every token they could match has
 * expired), events of one kind and key keep only the latest {@code issued_before}, and once a user has more than
 * {@code maxTokensPerUser} single-token revocations they collapse into one user-wide event at the latest of them,
 * exactly as identity's store compacts them. That also revokes the user's other tokens issued before then: a user
 * revoking tokens in a loop logs in again, and no service's memory grows with the loop.
 */
public final class Revocations {
  private final int maxTokensPerUser;
  /** user id -> (audit id -> issued_before); "" holds audit events written without their user. */
  private final Map<String, Map<String, Long>> tokensByUser = new ConcurrentHashMap<>();
  private final Map<String, Long> byUser = new ConcurrentHashMap<>();
  private final Map<String, Long> byProject = new ConcurrentHashMap<>();
  private final Map<String, Long> byUserOnProject = new ConcurrentHashMap<>();
  private final Map<String, Long> byRole = new ConcurrentHashMap<>();

  public Revocations(int maxTokensPerUser) {
    if (maxTokensPerUser < 1) throw new IllegalArgumentException("token.revocation.max.per.user must be >= 1");
    this.maxTokensPerUser = maxTokensPerUser;
  }

  /** Applies one event (idempotent): the fields above, with {@code issued_before_ms}. */
  public synchronized void apply(JsonObject event) {
    long before = event.getLong("issued_before_ms", Long.MAX_VALUE);
    String auditId = event.getString("audit_id");
    String userId = event.getString("user_id");
    String projectId = event.getString("project_id");
    String roleId = event.getString("role_id");
    if (auditId != null) {
      revokeToken(userId == null ? "" : userId, auditId, before);
    } else if (roleId != null) {
      byRole.merge(roleId, before, Math::max);
    } else if (userId != null && projectId != null) {
      byUserOnProject.merge(userId + "/" + projectId, before, Math::max);
    } else if (userId != null) {
      byUser.merge(userId, before, Math::max);
    } else if (projectId != null) {
      byProject.merge(projectId, before, Math::max);
    }
  }

  private void revokeToken(String userId, String auditId, long before) {
    Map<String, Long> tokens = tokensByUser.computeIfAbsent(userId, u -> new ConcurrentHashMap<>());
    tokens.merge(auditId, before, Math::max);
    if (tokens.size() > maxTokensPerUser && !userId.isEmpty()) {
      long latest = tokens.values().stream().mapToLong(Long::longValue).max().orElse(before);
      byUser.merge(userId, latest, Math::max);
      tokensByUser.remove(userId);
    }
  }

  public boolean isRevoked(Token token) {
    if (revokedById(tokensByUser.get(token.userId()), token) || revokedById(tokensByUser.get(""), token)) return true;
    long issued = token.issuedAtMillis();
    if (covers(byUser.get(token.userId()), issued)) return true;
    if (token.scoped() && (covers(byProject.get(token.projectId()), issued)
        || covers(byUserOnProject.get(token.userId() + "/" + token.projectId()), issued))) {
      return true;
    }
    if (!byRole.isEmpty()) {
      for (Token.Role role : token.roles()) {
        if (covers(byRole.get(role.id()), issued)) return true;
      }
    }
    return false;
  }

  private static boolean revokedById(Map<String, Long> tokens, Token token) {
    return tokens != null && (tokens.containsKey(token.auditId()) || tokens.containsKey(token.auditChainId()));
  }

  private static boolean covers(Long issuedBefore, long issuedAt) {
    return issuedBefore != null && issuedAt <= issuedBefore;
  }

  /** Forgets events that can no longer match an unexpired token. */
  public synchronized void expireOlderThan(long cutoffMillis) {
    tokensByUser.values().forEach(tokens -> tokens.values().removeIf(t -> t < cutoffMillis));
    tokensByUser.values().removeIf(Map::isEmpty);
    for (Map<String, Long> m : List.of(byUser, byProject, byUserOnProject, byRole)) {
      m.values().removeIf(t -> t < cutoffMillis);
    }
  }

  /** How many events this service holds in memory (what the bounds above keep small). */
  public int size() {
    return tokensByUser.values().stream().mapToInt(Map::size).sum() + byUser.size() + byProject.size()
        + byUserOnProject.size() + byRole.size();
  }
}
