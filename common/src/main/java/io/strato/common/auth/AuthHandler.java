package io.strato.common.auth;

import io.strato.common.http.ApiException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/**
 * Route handler: the {@code X-Auth-Token} must verify; the token is then available as {@link #token}.
 *
 * <p>A service user (role {@code service}) that names a project in {@link #ON_BEHALF_OF} acts as a member of that
 * project and nothing more ({@link Token#onBehalfOf}): every ownership and visibility rule of the service applies as
 * if the project had called. Anyone else naming a project that way is refused.
 */
public final class AuthHandler implements Handler<RoutingContext> {
  /** The project a service user acts for (the compute agent building an instance of that project). */
  public static final String ON_BEHALF_OF = "X-Strato-On-Behalf-Of-Project";
  private static final Pattern PROJECT_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
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
    String project = ctx.request().getHeader(ON_BEHALF_OF);
    if (project != null) {
      if (!token.isService()) {
        throw ApiException.forbidden("Only a service user may act on behalf of another project.");
      }
      if (!PROJECT_ID.matcher(project).matches()) {
        throw ApiException.badRequest("Invalid " + ON_BEHALF_OF + " header.");
      }
      token = token.onBehalfOf(project);
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
