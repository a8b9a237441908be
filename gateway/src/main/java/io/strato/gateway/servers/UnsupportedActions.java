package io.strato.gateway.servers;

import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.strato.common.lifecycle.VmState;
import io.strato.gateway.actions.InstanceActions;
import io.strato.gateway.services.ComputeServices;
import io.strato.gateway.servers.action.ActionCall;
import io.strato.gateway.servers.action.ActionGuard;
import io.strato.gateway.servers.action.ActionHandler;
import io.strato.gateway.servers.action.ActionPolicy;
import io.strato.gateway.servers.action.ActionRouter;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.List;
import java.util.Set;

/**
 * The actions this cloud's hosts cannot carry out, validated and checked as Nova does and then refused with the
 * answer Nova gives when they cannot be done, never accepted and dropped:
 * <ul>
 *   <li>{@code changePassword}: the guest has no agent to set it (Strato's domains have no QEMU guest agent
 *       channel): 409 {@code QEMU guest agent is not enabled}; recorded as the action {@code changePassword} with
 *       its {@code compute_set_admin_password} event in error, the server unchanged.</li>
 *   <li>{@code os-migrateLive} (admin): the drivers here cannot live-migrate: 400 {@code Migration pre-check error},
 *       recorded as {@code live-migration} with its {@code conductor_live_migrate_instance} event in error.</li>
 *   <li>{@code evacuate} (admin): while the server's host is up, Nova's 400 {@code Compute service of <host> is
 *       still in use.}; once it is down (forced down, or silent past {@code scheduler.service.down.time.seconds}),
 *       409: rebuilding elsewhere is not built yet, recorded as {@code evacuate} in error.</li>
 * </ul>
 */
public final class UnsupportedActions {
  private static final Set<VmState> EVACUABLE = Set.of(VmState.ACTIVE, VmState.STOPPED, VmState.ERROR);
  private static final Set<VmState> LIVE_MIGRATABLE = Set.of(VmState.ACTIVE, VmState.PAUSED);
  private final Pool pool;
  private final ComputeServices services;

  public UnsupportedActions(Pool pool, ComputeServices services) {
    this.pool = pool;
    this.services = services;
  }

  public void register(ActionRouter router) {
    router.register("changePassword", ActionPolicy.member("os_compute_api:os-admin-password"), this::changePassword)
        .register("os-migrateLive", ActionPolicy.admin("os_compute_api:os-migrate-server:migrate_live"),
            this::migrateLive)
        .register("evacuate", ActionPolicy.admin("os_compute_api:os-evacuate"), this::evacuate);
  }

  private ActionHandler.Step changePassword(ActionCall c) {
    JsonObject args = object(c);
    Fields.onlyKnown(args, c.name(), Set.of("adminPass"));
    if (!(args.getValue("adminPass") instanceof String)) {
      throw ApiException.badRequest("Invalid input for field/attribute changePassword. 'adminPass' is a required"
          + " property of type 'string'");
    }
    return i -> refuse(c, ActionGuard.inState(i, c.name(), Set.of(VmState.ACTIVE)), Set.of(VmState.ACTIVE),
        "changePassword", "compute_set_admin_password", ApiException.conflict("QEMU guest agent is not enabled"));
  }

  /** Nova's schema: from 2.25 {@code block_migration} (a boolean or "auto") and {@code host}, before also {@code disk_over_commit}. */
  private ActionHandler.Step migrateLive(ActionCall c) {
    JsonObject args = object(c);
    boolean v25 = c.version().atLeast(25);
    Set<String> required = v25 ? Set.of("block_migration", "host") : Set.of("block_migration", "disk_over_commit", "host");
    Fields.onlyKnown(args, c.name(), required);
    for (String field : required) {
      if (!args.containsKey(field)) {
        throw ApiException.badRequest("Invalid input for field/attribute os-migrateLive. '" + field + "' is a required"
            + " property");
      }
    }
    Object block = args.getValue("block_migration");
    if (!(block instanceof Boolean) && !(v25 && "auto".equals(block))) Fields.optionalBoolean(args, "block_migration");
    if (!v25) Fields.optionalBoolean(args, "disk_over_commit");
    String host = Fields.optionalString(args, "host", 255);
    return i -> {
      ActionGuard.inState(i, c.name(), LIVE_MIGRATABLE);
      if (i.host().equals(host)) {
        throw ApiException.badRequest("Unable to migrate instance (" + i.id() + ") to current host (" + host + ").");
      }
      // Nova's live migration answers an unknown destination with 400, not evacuate's 404.
      Future<Void> known = host == null ? Future.succeededFuture() : service(host).<Void>mapEmpty()
          .recover(e -> Future.failedFuture(e instanceof ApiException a && a.status() == 404
              ? ApiException.badRequest(a.getMessage()) : e));
      return known.compose(v -> refuse(c, i, LIVE_MIGRATABLE, "live-migration", "conductor_live_migrate_instance",
          ApiException.badRequest("Migration pre-check error: live migration is not supported by the hypervisor of"
              + " host " + i.host() + ".")));
    };
  }

  /** Nova's schema: {@code host} and {@code adminPass}, and before 2.14 the required {@code onSharedStorage}. */
  private ActionHandler.Step evacuate(ActionCall c) {
    JsonObject args = object(c);
    boolean v14 = c.version().atLeast(14);
    Fields.onlyKnown(args, c.name(), v14 ? Set.of("host", "adminPass") : Set.of("host", "adminPass", "onSharedStorage"));
    if (!v14 && Fields.optionalBoolean(args, "onSharedStorage") == null) {
      throw ApiException.badRequest("Invalid input for field/attribute evacuate. 'onSharedStorage' is a required"
          + " property");
    }
    String host = Fields.optionalString(args, "host", 255);
    Fields.optionalString(args, "adminPass", 255);
    return i -> {
      ActionGuard.inState(i, c.name(), EVACUABLE);
      if (i.host().equals(host)) throw ApiException.badRequest("The target host can't be the same one.");
      Future<Void> known = host == null ? Future.succeededFuture() : service(host).mapEmpty();
      return known.compose(v -> service(i.host())).compose(source -> {
        if (source.getBoolean("up")) {
          throw ApiException.badRequest("Compute service of " + i.host() + " is still in use.");
        }
        return refuse(c, i, EVACUABLE, "evacuate", "conductor_rebuild_server", ApiException.conflict("Cannot 'evacuate' instance "
            + i.id() + ": rebuilding a server of a host that is down on another host is not supported yet."));
      });
    };
  }

  /** The host's compute service; Nova's 404 {@code Compute host <host> could not be found.} when there is none. */
  private Future<Row> service(String host) {
    return services.list(host).map((List<Row> rows) -> {
      if (rows.isEmpty()) throw ApiException.notFound("Compute host " + host + " could not be found.");
      return rows.get(0);
    });
  }

  /** Records the action with its event in error (the server as it was), then fails with {@code answer}. */
  private <T> Future<T> refuse(ActionCall c, Instance i, Set<VmState> states, String action, String event,
      ApiException answer) {
    return pool.withTransaction(tx -> Instances.get(tx, i.id(), true)
            .map(now -> ActionGuard.inState(ActionGuard.actable(c.token(), now), c.name(), states))
            .compose(now -> InstanceActions.recordFailed(tx, i.id(), c.requestId(), action, event, now.host(),
                answer.getMessage(), c.token().userId(), c.token().projectId())))
        .compose(v -> Future.failedFuture(answer));
  }

  private static JsonObject object(ActionCall c) {
    if (!(c.args() instanceof JsonObject o)) {
      throw ApiException.badRequest("Invalid input for field/attribute " + c.name() + ". Value: " + c.args() + ". "
          + c.args() + " is not of type 'object'");
    }
    return o;
  }
}
