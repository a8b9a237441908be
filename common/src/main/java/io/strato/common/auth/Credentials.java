package io.strato.common.auth;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/**
 * What a service forwards when it calls another service for its caller (Cinder fetching an image for a volume):
 * the caller's token and, when a service user acts for a project, that project. The called service then applies its
 * own ownership rules to the same caller.
 */
public record Credentials(String token, String onBehalfOf) {

  /** The credentials of the request being handled, after {@link AuthHandler} accepted them. */
  public static Credentials of(RoutingContext ctx) {
    Token verified = AuthHandler.token(ctx);
    return new Credentials(ctx.request().getHeader("X-Auth-Token"), verified.onBehalf() ? verified.projectId() : null);
  }

  /** The headers that carry them. */
  public MultiMap headers() {
    MultiMap h = MultiMap.caseInsensitiveMultiMap().add("X-Auth-Token", token);
    if (onBehalfOf != null) h.add(AuthHandler.ON_BEHALF_OF, onBehalfOf);
    return h;
  }
}
