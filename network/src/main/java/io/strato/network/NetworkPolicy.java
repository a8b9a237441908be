package io.strato.network;

import io.strato.common.auth.Token;
import io.strato.common.http.ApiException;
import java.util.function.Function;

/**
 * Neutron's default policy (the secure-RBAC defaults), the part Strato serves, in one place:
 * <ul>
 *   <li>{@code get_*}: a {@code reader} of the owning project, or anyone for shared and external networks and their
 *       subnets; what a caller may see is the {@code visibleTo}/{@code visible} rule of each resource.</li>
 *   <li>{@code create_*}, {@code update_*}, {@code delete_*} of networks, subnets, ports, security groups and rules:
 *       {@code member} of the owning project (of the network, for subnets and ports on it) or {@code admin}.</li>
 *   <li>Admin only: {@code shared}, {@code router:external}, {@code provider:*}, {@code binding:*}, and naming
 *       another project's {@code tenant_id}/{@code project_id} on create.</li>
 * </ul>
 * A refusal is Neutron's {@code PolicyNotAuthorized}, {@code (rule:<action>) is disallowed by policy.}; a resource
 * the caller may not see answers 404 (its {@code ...NotFound}) before any role is checked, so nothing is revealed.
 */
final class NetworkPolicy {
  private NetworkPolicy() {}

  /** {@code create_*}/{@code update_*}/{@code delete_*}: the caller's role lets it change its project's resources. */
  static void requireMember(Token token, String action) {
    if (!token.canWrite()) throw forbidden(action);
  }

  /** {@link #requireMember} as a step of a chain, after the resource was found visible. */
  static <T> Function<T, T> member(Token token, String action) {
    return resource -> {
      requireMember(token, action);
      return resource;
    };
  }

  static void requireAdmin(Token token, String action) {
    if (!token.isAdmin()) throw forbidden(action);
  }

  static ApiException forbidden(String action) {
    return new ApiException(403, "PolicyNotAuthorized", "(rule:" + action + ") is disallowed by policy.");
  }
}
