package io.strato.image;

import io.strato.common.auth.Token;
import io.strato.common.http.ApiException;

/**
 * Glance's default policy (the secure-RBAC defaults), the part Strato serves, in one place:
 * <ul>
 *   <li>{@code get_image}, {@code get_images}, {@code download_image}: a {@code reader} of the owning project, or
 *       anyone for {@code public} and {@code community} images ({@link Images#visible}).</li>
 *   <li>{@code add_image}, {@code modify_image} (patch, tags), {@code upload_image}, {@code delete_image}:
 *       {@code member} of the owning project, or {@code admin} ({@link Images#owned}).</li>
 *   <li>{@code publicize_image}: {@code admin} only.</li>
 * </ul>
 * A refusal is {@code 403 You are not authorized to complete <action> action.}; an image the caller may not see
 * answers 404 before any role is checked, and a visible image of another project 403 on change.
 */
final class ImagePolicy {
  private ImagePolicy() {}

  /** {@code add_image}, {@code modify_image}, {@code upload_image}, {@code delete_image} on the caller's project. */
  static void requireMember(Token token, String action) {
    if (!token.canWrite()) throw forbidden(action);
  }

  static void requireAdmin(Token token, String action) {
    if (!token.isAdmin()) throw forbidden(action);
  }

  static ApiException forbidden(String action) {
    return ApiException.forbidden("You are not authorized to complete " + action + " action.");
  }
}
