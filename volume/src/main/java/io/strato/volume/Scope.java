package io.strato.volume;

import io.strato.common.auth.AuthHandler;
import io.strato.common.auth.Credentials;
import io.strato.common.auth.Token;
import io.strato.common.http.ApiException;
import io.vertx.ext.web.RoutingContext;

/**
 * Who acts on which project. The project in the URL ({@code /v3/{project_id}/...}; optional since 3.67) must be
 * the token's, as Cinder insists ({@code 400 Malformed request url}); an admin may name any project and then acts
 * in it (creates there, lists it). Without one in the URL the token's project is meant. {@code credentials} are the
 * caller's, passed on to the image service.
 */
public record Scope(Token token, Credentials credentials, String projectId) {
  private static final String KEY = "volume.scope";

  /** Route handler, after authentication. */
  static void handle(RoutingContext ctx) {
    Token token = AuthHandler.token(ctx);
    String inUrl = ctx.pathParam("project_id");
    if (inUrl != null && !inUrl.equals(token.projectId()) && !token.isAdmin()) {
      throw ApiException.badRequest("Malformed request url");
    }
    ctx.put(KEY, new Scope(token, Credentials.of(ctx), inUrl != null ? inUrl : token.projectId()));
    ctx.next();
  }

  public static Scope of(RoutingContext ctx) {
    Scope s = ctx.get(KEY);
    if (s == null) throw new IllegalStateException("route has no Scope handler");
    return s;
  }

  public boolean admin() {
    return token.isAdmin();
  }

  /** May this caller see or change a resource of {@code owner}? */
  public boolean mayTouch(String owner) {
    return admin() || owner.equals(token.projectId());
  }
}
