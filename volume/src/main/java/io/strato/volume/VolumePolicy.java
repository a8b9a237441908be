package io.strato.volume;

import io.strato.common.http.ApiException;
import java.util.function.Function;

/**
 * Cinder's default policy (the secure-RBAC defaults), the part Strato serves, in one place:
 * <ul>
 *   <li>{@code volume:get}, {@code volume:get_all}, {@code volume:attachment_get}, quotas of one's own project: a
 *       {@code reader} of the owning project ({@link Scope#mayTouch}).</li>
 *   <li>{@code volume:create}, {@code volume:update} (also {@code os-set_bootable}), {@code volume:delete},
 *       {@code volume:extend}, {@code volume:create_volume_metadata}, {@code volume:update_volume_metadata},
 *       {@code volume:delete_volume_metadata}, {@code volume:attachment_create}, {@code volume:attachment_update},
 *       {@code volume:attachment_complete}, {@code volume:attachment_delete}: {@code member} of the owning project,
 *       or {@code admin}.</li>
 *   <li>{@code volume_extension:volume_admin_actions:reset_status}, {@code volume_extension:quotas:update} and
 *       {@code :delete}, another project's quotas or URL: {@code admin} only.</li>
 * </ul>
 * A refusal is {@code 403 Policy doesn't allow <rule> to be performed.}; a volume or attachment of another project
 * answers 404 before any role is checked, so nothing is revealed.
 */
public final class VolumePolicy {
  private VolumePolicy() {}

  public static void requireMember(Scope scope, String rule) {
    if (!scope.token().canWrite()) throw forbidden(rule);
  }

  /** {@link #requireMember} as a step of a chain, after the volume or attachment was found visible. */
  public static <T> Function<T, T> member(Scope scope, String rule) {
    return resource -> {
      requireMember(scope, rule);
      return resource;
    };
  }

  public static void requireAdmin(Scope scope, String rule) {
    if (!scope.admin()) throw forbidden(rule);
  }

  public static ApiException forbidden(String rule) {
    return ApiException.forbidden("Policy doesn't allow " + rule + " to be performed.");
  }
}
