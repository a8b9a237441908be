package io.strato.gateway.servers;

import io.strato.common.auth.AuthHandler;
import io.strato.common.auth.Token;
import io.strato.common.db.OutboxRelay;
import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.strato.common.http.Replies;
import io.strato.common.http.RequestIds;
import io.strato.gateway.ComputePolicy;
import io.strato.gateway.actions.InstanceActions;
import io.strato.gateway.quotas.Quotas;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * Nova's local delete of a server whose host is down: when the host's compute service is forced down or has not
 * reported for {@code scheduler.service.down.time.seconds}, no agent would carry out a delete order, so
 * {@code DELETE /servers/{id}} completes here: the server's ports and volumes are given back
 * ({@link InstanceResources}), then in one transaction it is marked deleted with its {@code delete} action, its quota
 * given back and {@code instance.delete.end} sent. Any other delete passes on to
 * {@link ServersApi}. If the host comes back, its agent finds the server deleted at start-up and removes the domain.
 */
public final class DownHostDelete {
  // A host with no compute_nodes row is not taken for down: the row is written from the host's reports by the
  // conductor, so a host placed on just now may not have one yet, and a service row hosting servers cannot be deleted.
  private static final String ON_DOWN_HOST = "SELECT 1 FROM instances i JOIN compute_nodes n ON n.host = i.host"
      + " WHERE i.id = $1 AND NOT i.deleted AND (n.forced_down"
      + " OR n.reported_at <= now() - make_interval(secs => $2))";
  private final Pool pool;
  private final Quotas quotas;
  private final OutboxRelay relay;
  private final InstanceResources resources;
  private final long downAfterSeconds;

  public DownHostDelete(Pool pool, Quotas quotas, OutboxRelay relay, InstanceResources resources,
      long downAfterSeconds) {
    this.pool = pool;
    this.quotas = quotas;
    this.relay = relay;
    this.resources = resources;
    this.downAfterSeconds = downAfterSeconds;
  }

  /** Mount before {@link ServersApi}: this route takes the deletes of servers on down hosts and passes the rest on. */
  public void mount(Router api) {
    api.delete("/servers/:id").handler(this::delete);
  }

  private void delete(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!Fields.isUuid(id)) {
      ctx.next();
      return;
    }
    Token token = AuthHandler.token(ctx);
    String wireToken = ctx.request().getHeader("X-Auth-Token");
    String requestId = RequestIds.of(ctx);
    onDownHost(id).compose(i -> {
      if (i == null || !ComputePolicy.canSee(token, i.projectId())) return Future.succeededFuture(false);
      ComputePolicy.requireMember(token, "os_compute_api:servers:delete");
      if (i.locked() && !token.isAdmin()) throw ApiException.conflict("Instance " + id + " is locked");
      return resources.release(i, wireToken, token.isAdmin()).compose(v -> finish(i, token, requestId)).map(true);
    }).onSuccess(done -> {
      if (done) {
        Replies.noContent(ctx);
      } else {
        ctx.next();
      }
    }).onFailure(ctx::fail);
  }

  /** The live instance if its host is down, else null. */
  private Future<Instance> onDownHost(String id) {
    return pool.preparedQuery(ON_DOWN_HOST).execute(Tuple.of(UUID.fromString(id), (double) downAfterSeconds))
        .compose(rows -> rows.size() == 0 ? Future.<Instance>succeededFuture() : Instances.get(pool, id, false));
  }

  private Future<Void> finish(Instance i, Token token, String requestId) {
    return pool.withTransaction(tx -> InstanceActions.record(tx, i.id(), requestId, "delete", token.userId(),
            token.projectId())
        .compose(v -> Instances.markDeleted(tx, i.id()))
        .compose(changed -> !changed ? Future.<Void>succeededFuture()
            : quotas.release(tx, i.projectId(), 1, i.flavor().getInteger("vcpus"), i.flavor().getInteger("ram"))
                .compose(v -> ServerActions.announceLocalDelete(tx, i, requestId))))
        .onSuccess(v -> relay.nudge());
  }
}
