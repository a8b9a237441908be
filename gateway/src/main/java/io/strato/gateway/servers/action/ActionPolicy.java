package io.strato.gateway.servers.action;

import io.strato.common.auth.Token;
import io.strato.gateway.ComputePolicy;

/**
 * Who may run an action: Nova's policy rule (e.g. {@code os_compute_api:os-pause-server:pause}) for the project's
 * members or for admins only, and whether a locked server refuses it (Nova's {@code check_instance_lock}: 409 but
 * for an admin). Lock, unlock and console output run on a locked server.
 */
public record ActionPolicy(String rule, boolean adminOnly, boolean refusedWhenLocked) {
  public static ActionPolicy member(String rule) {
    return new ActionPolicy(rule, false, true);
  }

  public static ActionPolicy admin(String rule) {
    return new ActionPolicy(rule, true, true);
  }

  public ActionPolicy evenWhenLocked() {
    return new ActionPolicy(rule, adminOnly, false);
  }

  /** 403 in Nova's policy fault when the caller's roles do not allow the rule. */
  void check(Token token) {
    if (adminOnly) {
      ComputePolicy.requireAdmin(token, rule);
    } else {
      ComputePolicy.requireMember(token, rule);
    }
  }
}
