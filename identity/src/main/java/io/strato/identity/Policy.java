package io.strato.identity;

import io.strato.common.auth.Token;
import io.strato.common.http.ApiException;

/** Keystone's default policy, the part Strato serves: administration needs the admin role. */
final class Policy {
  private Policy() {}

  static void requireAdmin(Token token, String action) {
    if (!token.isAdmin()) {
      throw ApiException.forbidden("You are not authorized to perform the requested action: " + action + ".");
    }
  }

  /** Admins, or the user acting on itself. */
  static void requireAdminOrSelf(Token token, String userId, String action) {
    if (!token.isAdmin() && !token.userId().equals(userId)) requireAdmin(token, action);
  }
}
