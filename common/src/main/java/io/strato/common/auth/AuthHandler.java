package io.strato.common.auth;

import io.strato.common.http.ApiException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** Route handler: the {@code X-Auth-Token} must verify; the token is then available as {@link #token}. */
public final class AuthHandler implements Handler<RoutingContext> {
  private static final String KEY = "strato.token";
  private final TokenVerifier verifier;
  private final boolean requireProject;

  private AuthHandler(TokenVerifier verifier, boolean requireProject) {
    this.verifier = verifier;
    this.requireProject = requireProject;
  }

  /** Needs a project-scoped token, as Nova, Glance, Neutron and Cinder do. */
  public static AuthHandler projectScoped(TokenVerifier verifier) {
    return new AuthHandler(verifier, true);
  }

  public static AuthHandler anyToken(TokenVerifier verifier) {
    return new AuthHandler(verifier, false);
  }

  @Override
  public void handle(RoutingContext ctx) {
    Token token = verifier.verify(ctx.request().getHeader("X-Auth-Token"));
    if (requireProject && !token.scoped()) {
      throw ApiException.unauthorized("This API needs a project-scoped token.");
    }
    ctx.put(KEY, token);
    ctx.next();
  }

  public static Token token(RoutingContext ctx) {
    Token t = ctx.get(KEY);
    if (t == null) throw new IllegalStateException("route has no AuthHandler");
    return t;
  }
}
