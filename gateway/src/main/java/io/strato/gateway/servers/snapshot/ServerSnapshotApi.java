package io.strato.gateway.servers.snapshot;

import io.strato.common.auth.Token;
import io.strato.common.db.Outbox;
import io.strato.common.db.OutboxRelay;
import io.strato.common.http.ApiException;
import io.strato.common.http.ClientPolicy;
import io.strato.common.kafka.Topics;
import io.strato.common.lifecycle.TaskState;
import io.strato.common.lifecycle.VmState;
import io.strato.common.messages.SnapshotOrder;
import io.strato.gateway.actions.InstanceActions;
import io.strato.gateway.servers.Instance;
import io.strato.gateway.servers.Instances;
import io.strato.gateway.servers.action.ActionCall;
import io.strato.gateway.servers.action.ActionGuard;
import io.strato.gateway.servers.action.ActionHandler;
import io.strato.gateway.servers.action.ActionPolicy;
import io.strato.gateway.servers.action.ActionReply;
import io.strato.gateway.servers.action.ActionRouter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.Set;
import java.util.UUID;

/**
 * Nova's {@code createImage} server action (a snapshot): checks the server's state (ACTIVE, SHUTOFF, PAUSED or
 * SUSPENDED with no task running; 409 otherwise), creates the image record in the image service as the caller
 * ({@link SnapshotImages}), then in one transaction records the instance action {@code createImage}, sets the task
 * state {@code image_snapshot_pending} and queues a {@link SnapshotOrder} for the host's agent in the outbox. Answers
 * 202 with the image's {@code Location} (and {@code {"image_id"}} from 2.45). If the transaction fails (the server
 * changed meanwhile) the image record is deleted again. A server booted from a volume has no root disk here to
 * capture: 400 (Nova would snapshot the volume; not built yet).
 *
 * <p>Registered on the {@link ActionRouter} as {@code createImage} ({@code os_compute_api:servers:create_image}).
 */
public final class ServerSnapshotApi {
  static final String ACTION = "createImage";
  private static final Set<VmState> SNAPSHOT_STATES =
      Set.of(VmState.ACTIVE, VmState.STOPPED, VmState.PAUSED, VmState.SUSPENDED);
  private final Pool pool;
  private final OutboxRelay relay;
  private final SnapshotImages images;

  public ServerSnapshotApi(Vertx vertx, Pool pool, OutboxRelay relay, String imageUrl, ClientPolicy policy) {
    this.pool = pool;
    this.relay = relay;
    this.images = new SnapshotImages(vertx, imageUrl, policy);
  }

  public void register(ActionRouter router) {
    router.register(ACTION, ActionPolicy.member("os_compute_api:servers:create_image"), this::prepare);
  }

  private ActionHandler.Step prepare(ActionCall call) {
    SnapshotRequest request = SnapshotRequest.parse(call.args());
    Token token = call.token();
    String userToken = call.userToken();
    return server -> images.create(checked(server, token), request, token.userId(), token.projectId(), userToken)
        .compose(imageId -> begin(server.id(), imageId, token, call.requestId())
            .recover(e -> images.delete(imageId, userToken).compose(v -> Future.failedFuture(e))))
        .map(imageId -> {
          if (relay != null) relay.nudge();
          ActionReply reply = call.version().atLeast(45)
              ? ActionReply.json(202, new JsonObject().put("image_id", imageId)) : ActionReply.ACCEPTED;
          return reply.withHeader("Location", images.location(imageId));
        });
  }

  /** The server, if the caller may snapshot it now (404 for another project's, 409 for a wrong state). */
  private static Instance checked(Instance i, Token token) {
    ActionGuard.inState(ActionGuard.actable(token, i), ACTION, SNAPSHOT_STATES);
    if (i.imageId().isEmpty()) {
      throw ApiException.badRequest("Snapshots of volume-backed servers are not supported: server " + i.id()
          + " boots from a volume.");
    }
    return i;
  }

  /** The action, the task state and the agent's order, in one transaction; answers the image id. */
  private Future<String> begin(String id, String imageId, Token token, String requestId) {
    return pool.withTransaction(tx -> Instances.get(tx, id, true).compose(i -> {
      checked(i, token);
      return InstanceActions.record(tx, id, requestId, ACTION, token.userId(), token.projectId())
          .compose(v -> startTask(tx, id))
          .compose(v -> {
            SnapshotOrder order = new SnapshotOrder(SnapshotOrder.VERSION, UUID.randomUUID().toString(), id, i.host(),
                imageId, token.projectId(), i.projectId(), requestId);
            return Outbox.add(tx, Topics.ASSIGNMENTS, i.host(), order.toJson().encode(), requestId);
          });
    })).map(imageId);
  }

  private static Future<Void> startTask(SqlConnection tx, String id) {
    return tx.preparedQuery("UPDATE instances SET task_state = $2, updated_at = now() WHERE id = $1 AND NOT deleted"
            + " AND task_state IS NULL")
        .execute(Tuple.of(UUID.fromString(id), TaskState.IMAGE_SNAPSHOT_PENDING.wire())).map(r -> {
          if (r.rowCount() != 1) throw ApiException.conflict("Cannot '" + ACTION + "' instance " + id + " now.");
          return null;
        });
  }
}
