package io.strato.common.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What a Strato token says: who, for which project (null when unscoped), with which roles, when it was issued and
 * when it expires. {@code auditId} identifies this token in revocation events; {@code auditChainId} is the audit id
 * of the first token of its chain (its own for a token got with a password, the parent's chain for one got with the
 * {@code token} method, as Keystone's {@code audit_ids} [own, chain]), so revoking a token revokes what came from it.
 * {@code onBehalf} is true for the view a service user gets when it acts for a project ({@link #onBehalfOf});
 * identity never mints such a token.
 */
public record Token(String userId, String userName, String userDomainId, String projectId, String projectName,
    String projectDomainId, List<Role> roles, List<String> methods, long issuedAtMillis, long expiresAtMillis,
    String auditId, String auditChainId, boolean onBehalf) {

  public record Role(String id, String name) {}

  public Token {
    if (userId == null || auditId == null) throw new IllegalArgumentException("a token needs a user and an audit id");
    roles = List.copyOf(roles);
    methods = List.copyOf(methods);
    if (auditChainId == null) auditChainId = auditId;
  }

  /** A token that starts its own chain (got with a password). */
  public Token(String userId, String userName, String userDomainId, String projectId, String projectName,
      String projectDomainId, List<Role> roles, List<String> methods, long issuedAtMillis, long expiresAtMillis,
      String auditId) {
    this(userId, userName, userDomainId, projectId, projectName, projectDomainId, roles, methods, issuedAtMillis,
        expiresAtMillis, auditId, auditId);
  }

  /** A token as identity mints it, in the chain {@code auditChainId}. */
  public Token(String userId, String userName, String userDomainId, String projectId, String projectName,
      String projectDomainId, List<Role> roles, List<String> methods, long issuedAtMillis, long expiresAtMillis,
      String auditId, String auditChainId) {
    this(userId, userName, userDomainId, projectId, projectName, projectDomainId, roles, methods, issuedAtMillis,
        expiresAtMillis, auditId, auditChainId, false);
  }

  /** True when the token holds the role with this id. */
  public boolean hasRoleId(String roleId) {
    return roles.stream().anyMatch(r -> r.id().equals(roleId));
  }

  public boolean hasRole(String name) {
    return roles.stream().anyMatch(r -> r.name().equals(name));
  }

  /** The {@code admin} role: cloud administrator wherever a service's policy says {@code admin} (Keystone's default). */
  public boolean isAdmin() {
    return hasRole("admin");
  }

  /** May change what its project owns: {@code member} or {@code admin}. A {@code reader} only reads. */
  public boolean canWrite() {
    return isAdmin() || hasRole("member");
  }

  /**
   * The compute agents' service user (role {@code service}), itself or acting for a project: the few operations
   * only a service performs (Neutron's {@code service_api} rule, e.g. binding a port to a host).
   */
  public boolean isService() {
    return hasRole("service");
  }

  /** The service user acting as itself, not for a project: it may read (never change) every project's servers. */
  public boolean isServiceItself() {
    return isService() && !onBehalf;
  }

  /**
   * The token a service user holds when it acts for {@code project}, as OpenStack services act with a user's
   * token plus their own service token: the project's member rights plus {@code service}, never {@code admin}.
   * Same user and audit id, so revoking the service user's token revokes this too.
   */
  public Token onBehalfOf(String project) {
    return new Token(userId, userName, userDomainId, project, null, null,
        List.of(new Role("member", "member"), new Role("service", "service")), methods, issuedAtMillis,
        expiresAtMillis, auditId, auditChainId, true);
  }

  public boolean scoped() {
    return projectId != null;
  }

  JsonObject toJson() {
    JsonArray r = new JsonArray();
    roles.forEach(role -> r.add(new JsonObject().put("id", role.id()).put("name", role.name())));
    return new JsonObject().put("v", 1).put("uid", userId).put("un", userName).put("ud", userDomainId)
        .put("pid", projectId).put("pn", projectName).put("pd", projectDomainId).put("r", r)
        .put("m", new JsonArray(methods)).put("iat", issuedAtMillis).put("exp", expiresAtMillis).put("aid", auditId)
        .put("cid", auditChainId);
  }

  static Token fromJson(JsonObject j) {
    if (j.getInteger("v", 0) != 1) throw new IllegalArgumentException("unknown token version");
    List<Role> roles = j.getJsonArray("r").stream().map(o -> (JsonObject) o)
        .map(o -> new Role(o.getString("id"), o.getString("name"))).toList();
    List<String> methods = j.getJsonArray("m").stream().map(Object::toString).toList();
    return new Token(j.getString("uid"), j.getString("un"), j.getString("ud"), j.getString("pid"),
        j.getString("pn"), j.getString("pd"), roles, methods, j.getLong("iat"), j.getLong("exp"), j.getString("aid"),
        j.getString("cid"));
  }
}
