package io.strato.identity;

import io.strato.common.http.ApiException;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The {@code auth.scope} of a token request, checked as Keystone checks it before authenticating: absent (the
 * user's default project), {@code "unscoped"}, or an object naming exactly one of {@code project}, {@code domain},
 * {@code system}, {@code OS-TRUST:trust}, {@code unscoped} (400 otherwise). Strato grants roles on projects only,
 * so a domain, system or trust scope is refused as Keystone refuses a user without such a role: 401.
 */
record ScopeRequest(Kind kind, JsonObject project) {
  enum Kind { DEFAULT_PROJECT, UNSCOPED, PROJECT }

  private static final List<String> KINDS = List.of("project", "domain", "system", "OS-TRUST:trust", "unscoped");

  static ScopeRequest parse(Object scope) {
    if (scope == null) return new ScopeRequest(Kind.DEFAULT_PROJECT, null);
    if ("unscoped".equals(scope)) return new ScopeRequest(Kind.UNSCOPED, null);
    if (!(scope instanceof JsonObject s)) {
      throw ApiException.badRequest("Invalid input for field 'scope': it is not of type 'object'.");
    }
    List<String> named = KINDS.stream().filter(s::containsKey).toList();
    if (named.size() != 1) {
      throw ApiException.badRequest("Expecting to find project, domain, system, OS-TRUST:trust or unscoped in scope."
          + " The server could not comply with the request since it is either malformed or otherwise incorrect.");
    }
    return switch (named.get(0)) {
      case "project" -> {
        if (!(s.getValue("project") instanceof JsonObject p)) {
          throw ApiException.badRequest("Invalid input for field 'project': it is not of type 'object'.");
        }
        yield new ScopeRequest(Kind.PROJECT, p);
      }
      case "unscoped" -> new ScopeRequest(Kind.UNSCOPED, null);
      default -> throw ApiException.unauthorized("The request you have made requires authentication (Strato grants"
          + " roles on projects only: a " + named.get(0) + " scope cannot be honoured).");
    };
  }
}
