package io.strato.gateway.servers.action;

import io.strato.common.auth.AuthHandler;
import io.strato.common.auth.Token;
import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.strato.common.http.Replies;
import io.strato.common.http.RequestIds;
import io.strato.gateway.Microversion;
import io.strato.gateway.servers.Instances;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code POST /servers/{id}/action}, for every action: parses the body once, takes its single key as the action
 * (400 "There is no such action" for one nobody registered), then, in Nova's order, the id (404 unless a UUID), the
 * action's policy rule (403), its arguments (the handler's {@link ActionHandler#prepare}, 400), the server visible
 * to the caller (404 for another project's), the lock (409 but for an admin, unless the action runs on a locked
 * server) and the handler's step, whose {@link ActionReply} it sends.
 *
 * <p>Feature classes register their actions at start-up with {@link #register}; a name registered twice fails
 * start-up.
 */
public final class ActionRouter {
  private record Registered(ActionPolicy policy, ActionHandler handler) {}

  private final Pool pool;
  private final Map<String, Registered> actions = new HashMap<>();

  public ActionRouter(Pool pool) {
    this.pool = pool;
  }

  public ActionRouter register(String name, ActionPolicy policy, ActionHandler handler) {
    if (actions.putIfAbsent(name, new Registered(policy, handler)) != null) {
      throw new IllegalStateException("The server action " + name + " is registered twice");
    }
    return this;
  }

  public void mount(Router api) {
    api.post("/servers/:id/action").handler(this::route);
  }

  private void route(RoutingContext ctx) {
    JsonObject body = Replies.bodyObject(ctx);
    if (body.size() != 1) throw ApiException.badRequest("The action body must name exactly one action.");
    String name = body.fieldNames().iterator().next();
    String id = ctx.pathParam("id");
    if (!Fields.isUuid(id)) throw Instances.notFound(id);
    Registered action = actions.get(name);
    if (action == null) throw ApiException.badRequest("There is no such action: " + name);
    Token token = AuthHandler.token(ctx);
    action.policy().check(token);
    ActionCall call = new ActionCall(name, body.getValue(name), Fields.uuid(id, "id"), token,
        ctx.request().getHeader("X-Auth-Token"), RequestIds.of(ctx), Microversion.of(ctx));
    ActionHandler.Step step = action.handler().prepare(call);
    Instances.get(pool, call.instanceId(), false)
        .map(i -> action.policy().refusedWhenLocked() ? ActionGuard.actable(token, i) : ActionGuard.visible(token, i))
        .compose(step::on)
        .onSuccess(reply -> reply.send(ctx))
        .onFailure(ctx::fail);
  }
}
