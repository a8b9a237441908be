package io.strato.gateway.servers.rebuild;

import io.strato.common.auth.Token;
import io.strato.common.db.Outbox;
import io.strato.common.db.OutboxRelay;
import io.strato.common.http.ApiException;
import io.strato.common.http.ApiVersion;
import io.strato.common.kafka.Topics;
import io.strato.common.lifecycle.TaskState;
import io.strato.common.lifecycle.VmState;
import io.strato.common.messages.RebuildOrder;
import io.strato.gateway.ComputePolicy;
import io.strato.gateway.actions.InstanceActions;
import io.strato.gateway.images.ImageLookup;
import io.strato.gateway.keypairs.Keypairs;
import io.strato.gateway.servers.ImageFit;
import io.strato.gateway.servers.Instance;
import io.strato.gateway.servers.Instances;
import io.strato.gateway.servers.ServerCreator;
import io.strato.gateway.servers.ServerView;
import io.strato.gateway.servers.action.ActionCall;
import io.strato.gateway.servers.action.ActionGuard;
import io.strato.gateway.servers.action.ActionHandler;
import io.strato.gateway.servers.action.ActionPolicy;
import io.strato.gateway.servers.action.ActionReply;
import io.strato.gateway.servers.action.ActionRouter;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.Set;
import java.util.UUID;

/**
 * Nova's {@code rebuild} server action: the server (ACTIVE, SHUTOFF or ERROR, no task running; 409 otherwise) gets
 * a new root disk from an image (the same or another) on the same host, keeping its ports, addresses and volumes.
 * The image is looked up as the caller, as at create (another project's private image: 400), and must fit the
 * server's flavor. In one transaction: the instance action {@code rebuild}, the new image, name, metadata,
 * description, key and user data on the instance, the task state {@code rebuilding}, and a {@link RebuildOrder} for
 * the host's agent in the outbox. Answers 202 with the server and its new {@code adminPass}. A volume-backed server
 * answers 400 (Nova before 2.93: its root volume is not re-imaged).
 *
 * <p>Registered on the {@link ActionRouter} as {@code rebuild} ({@code os_compute_api:servers:rebuild}).
 */
public final class ServerRebuildApi {
  static final String ACTION = "rebuild";
  private static final Set<VmState> REBUILD_STATES = Set.of(VmState.ACTIVE, VmState.STOPPED, VmState.ERROR);
  private final Pool pool;
  private final OutboxRelay relay;
  private final ImageLookup images;
  private final Keypairs keypairs;
  private final ServerView view;

  public ServerRebuildApi(Pool pool, OutboxRelay relay, ImageLookup images, Keypairs keypairs, String baseUrl) {
    this.pool = pool;
    this.relay = relay;
    this.images = images;
    this.keypairs = keypairs;
    this.view = new ServerView(baseUrl);
  }

  public void register(ActionRouter router) {
    router.register(ACTION, ActionPolicy.member("os_compute_api:servers:rebuild"), this::prepare);
  }

  private ActionHandler.Step prepare(ActionCall call) {
    ApiVersion version = call.version();
    RebuildRequest request = RebuildRequest.parse(call.args(), version);
    Token token = call.token();
    String adminPass = request.adminPass() != null ? request.adminPass() : ServerCreator.randomString(12);
    return server -> Future.succeededFuture(checked(server, token))
        .compose(i -> images.activeImage(request.imageId(), call.userToken(), token.projectId(), token.isAdmin())
            .map(image -> {
              ImageFit.check(image, i.flavor().getInteger("ram"), i.flavor().getInteger("disk", 0));
              return i;
            }))
        .compose(i -> keyData(request, token))
        .compose(keyData -> begin(server.id(), request, keyData, token, call.requestId()))
        .map(i -> {
          if (relay != null) relay.nudge();
          return ActionReply.json(202, new JsonObject().put("server",
              view.show(i, version, ComputePolicy.readsAllProjects(token)).put("adminPass", adminPass)));
        });
  }

  /** The server, if the caller may rebuild it now (404 for another project's, 409 for a wrong state). */
  private static Instance checked(Instance i, Token token) {
    ActionGuard.inState(ActionGuard.actable(token, i), ACTION, REBUILD_STATES);
    if (i.imageId().isEmpty()) {
      throw ApiException.badRequest("Unable to rebuild with a different image for a volume-backed server.");
    }
    return i;
  }

  /** The public key of the named key pair of the caller (2.54); null to leave or remove the key. */
  private Future<String> keyData(RebuildRequest request, Token token) {
    if (!request.setKeyName() || request.keyName() == null) return Future.succeededFuture(null);
    return keypairs.get(token.userId(), request.keyName())
        .recover(e -> Future.failedFuture(ApiException.badRequest("Invalid key_name provided.")))
        .map(k -> k.getString("public_key"));
  }

  private Future<Instance> begin(String id, RebuildRequest request, String keyData, Token token, String requestId) {
    return pool.withTransaction(tx -> Instances.get(tx, id, true).compose(i -> {
      checked(i, token);
      return InstanceActions.record(tx, id, requestId, ACTION, token.userId(), token.projectId())
          .compose(v -> update(tx, id, request, keyData))
          .compose(updated -> {
            RebuildOrder order = new RebuildOrder(RebuildOrder.VERSION, UUID.randomUUID().toString(), id, i.host(),
                request.imageId(), i.flavor().getInteger("disk", 0), request.preserveEphemeral(), i.projectId(),
                requestId);
            return Outbox.add(tx, Topics.ASSIGNMENTS, i.host(), order.toJson().encode(), requestId).map(updated);
          });
    }));
  }

  private static Future<Instance> update(SqlConnection tx, String id, RebuildRequest r, String keyData) {
    return tx.preparedQuery("UPDATE instances SET image_id = $2, name = coalesce($3, name),"
            + " metadata = coalesce($4::jsonb, metadata), description = CASE WHEN $6 THEN $5 ELSE description END,"
            + " key_name = CASE WHEN $8 THEN $7 ELSE key_name END, key_data = CASE WHEN $8 THEN $9 ELSE key_data END,"
            + " user_data = CASE WHEN $11 THEN $10 ELSE user_data END, task_state = $12, updated_at = now()"
            + " WHERE id = $1 AND NOT deleted AND task_state IS NULL RETURNING " + Instance.COLUMNS)
        .execute(Tuple.tuple().addUUID(UUID.fromString(id)).addString(r.imageId()).addString(r.name())
            .addValue(r.metadata() == null ? null : new JsonObject(new java.util.HashMap<>(r.metadata())))
            .addString(r.description()).addBoolean(r.setDescription()).addString(r.keyName())
            .addBoolean(r.setKeyName()).addString(keyData).addString(r.userData()).addBoolean(r.setUserData())
            .addString(TaskState.REBUILDING.wire()))
        .map(rows -> {
          if (rows.size() == 0) throw ApiException.conflict("Cannot '" + ACTION + "' instance " + id + " now.");
          return Instance.from(rows.iterator().next());
        });
  }
}
