package io.strato.gateway;

import io.strato.common.auth.Token;
import io.strato.common.http.ApiException;

/**
 * Nova's default policy (the secure-RBAC defaults), the part Strato serves, in one place:
 * <ul>
 *   <li>Reads of one's project ({@code os_compute_api:servers:index}, {@code :show}, key pairs, server groups,
 *       instance actions, limits, quotas, {@code os_compute_api:server-metadata:index} and {@code :show},
 *       {@code os_compute_api:os-server-tags:index} and {@code :show}): a {@code reader} of the project.</li>
 *   <li>{@code os_compute_api:servers:create}, {@code :update}, {@code :delete}, {@code :reboot}, {@code :stop},
 *       {@code :start}, {@code os_compute_api:os-console-output}, {@code os_compute_api:os-keypairs:create} and
 *       {@code :delete}, {@code os_compute_api:os-server-groups:create} and {@code :delete},
 *       {@code os_compute_api:server-metadata:create}, {@code :update}, {@code :update_all}, {@code :delete},
 *       {@code os_compute_api:os-server-tags:update}, {@code :update_all}, {@code :delete}, {@code :delete_all},
 *       {@code os_compute_api:os-pause-server:pause} and {@code :unpause}, {@code os-suspend-server:suspend} and
 *       {@code :resume}, {@code os-lock-server:lock} and {@code :unlock} (an admin's lock only an admin lifts):
 *       {@code member} of the
 *       project, or {@code admin} ({@link #requireMember}).</li>
 *   <li>Admin only ({@link #requireAdmin}): flavor and extra-spec management, quota updates, hypervisors, hosts of
 *       availability zones, other users' key pairs, forced hosts, other projects' limits and quotas.</li>
 * </ul>
 * A refusal is {@code 403 Policy doesn't allow <rule> to be performed.}; another project's server or server group is
 * "not found" rather than "forbidden".
 */
public final class ComputePolicy {
  private ComputePolicy() {}

  public static void requireAdmin(Token token, String rule) {
    if (!token.isAdmin()) throw forbidden(rule);
  }

  /** Creating and changing resources needs the member (or admin) role on the project; a reader only reads. */
  public static void requireMember(Token token, String rule) {
    if (!token.canWrite()) throw forbidden(rule);
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
