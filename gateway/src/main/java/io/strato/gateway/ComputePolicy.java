package io.strato.gateway;

import io.strato.common.auth.Token;
import io.strato.common.http.ApiException;

/**
 * Nova's default policy, the part Strato serves: readers read their project, members and admins change it,
 * admin-only APIs need the admin role, and another project's server is "not found" rather than "forbidden".
 */
public final class ComputePolicy {
  private ComputePolicy() {}

  public static void requireAdmin(Token token, String rule) {
    if (!token.isAdmin()) throw forbidden(rule);
  }

  /** Creating and changing resources needs the member (or admin) role on the project. */
  public static void requireMember(Token token, String rule) {
    if (!token.isAdmin() && !token.hasRole("member")) throw forbidden(rule);
  }

  public static boolean canSee(Token token, String projectId) {
    return token.isAdmin() || token.projectId().equals(projectId);
  }

  /**
   * Admins, and the compute agents' service user acting as itself (it lists the servers of its host at start-up and
   * looks up the server a console request names): reading every project's servers, never changing them.
   */
  public static boolean readsAllProjects(Token token) {
    return token.isAdmin() || token.isServiceItself();
  }

  private static ApiException forbidden(String rule) {
    return ApiException.forbidden("Policy doesn't allow " + rule + " to be performed.");
  }
}
