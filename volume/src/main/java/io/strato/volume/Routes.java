package io.strato.volume;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Registers each API route under both URL shapes Cinder serves, {@code /v3/{project_id}/volumes} and (3.67)
 * {@code /v3/volumes}, behind {@link Scope}. More specific paths must be added before the ones they would shadow
 * ({@code /volumes/detail} before {@code /volumes/:id}).
 */
public final class Routes {
  private final Router router;

  public Routes(Router router) {
    this.router = router;
  }

  public Routes get(String path, Handler<RoutingContext> handler) {
    return add(HttpMethod.GET, path, handler);
  }

  public Routes post(String path, Handler<RoutingContext> handler) {
    return add(HttpMethod.POST, path, handler);
  }

  public Routes put(String path, Handler<RoutingContext> handler) {
    return add(HttpMethod.PUT, path, handler);
  }

  public Routes delete(String path, Handler<RoutingContext> handler) {
    return add(HttpMethod.DELETE, path, handler);
  }

  private Routes add(HttpMethod method, String path, Handler<RoutingContext> handler) {
    router.route(method, "/v3/:project_id" + path).handler(Scope::handle).handler(handler);
    router.route(method, "/v3" + path).handler(Scope::handle).handler(handler);
    return this;
  }
}
