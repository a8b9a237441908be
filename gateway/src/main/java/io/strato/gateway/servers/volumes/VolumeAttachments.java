package io.strato.gateway.servers.volumes;

import io.strato.common.auth.Token;
import io.strato.common.db.Outbox;
import io.strato.common.db.OutboxRelay;
import io.strato.common.http.ApiException;
import io.strato.common.kafka.Topics;
import io.strato.common.lifecycle.VmState;
import io.strato.common.messages.VolumeOrder;
import io.strato.gateway.ComputePolicy;
import io.strato.gateway.actions.InstanceActions;
import io.strato.gateway.servers.Instance;
import io.strato.gateway.servers.Instances;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.Set;
import java.util.UUID;

/**
 * Attach and detach of volumes, as nova-api does them: the checks (instance state, lock, the volume's status, the
 * same volume twice), the volume reserved in the volume service (Cinder's attachment without a connector), then, in
 * one transaction, the instance's {@code volumes_attached} entry (status {@code attaching} or {@code detaching}),
 * the instance action ({@code attach_volume}, {@code detach_volume}) and the order to the host's agent in the outbox.
 * No task state is set (Nova sets none for these): the agent reports the outcome through the conductor, which marks
 * the entry attached or removes it. A reservation whose transaction fails is given back.
 */
public final class VolumeAttachments {
  /** Nova's {@code check_instance_state} of attach_volume and detach_volume (those with a host here). */
  private static final Set<VmState> STATES = Set.of(VmState.ACTIVE, VmState.PAUSED, VmState.STOPPED, VmState.RESIZED);
  private final Pool pool;
  private final Instances instances;
  private final CinderAttachments cinder;
  private final OutboxRelay relay;

  public VolumeAttachments(Pool pool, CinderAttachments cinder, OutboxRelay relay) {
    this.pool = pool;
    this.instances = new Instances(pool);
    this.cinder = cinder;
    this.relay = relay;
  }

  /** The instance if the caller may see it (404 otherwise, before any role is checked). */
  public Future<Instance> visible(String serverId, Token token) {
    return instances.visible(serverId, token.projectId(), ComputePolicy.readsAllProjects(token));
  }

  /** Attaches: answers the new entry ({@code id}, {@code device}). */
  public Future<JsonObject> attach(String serverId, String volumeId, String device, Token token, String wireToken,
      String requestId) {
    return visible(serverId, token).compose(i -> {
      ComputePolicy.requireMember(token, "os_compute_api:os-volumes-attachments:create");
      checkAttachable(i, volumeId, device, token, "attach_volume");
      return cinder.volume(token.projectId(), volumeId, wireToken);
    }).compose(volume -> {
      String status = volume.getString("status");
      if (!"available".equals(status)) {
        throw ApiException.badRequest("Invalid volume: volume '" + volumeId + "' status must be 'available'."
            + " Currently in '" + status + "'");
      }
      return cinder.reserve(token.projectId(), volumeId, serverId, wireToken);
    }).compose(attachmentId -> record(serverId, volumeId, device, attachmentId, token, requestId)
        .recover(e -> cinder.release(token.projectId(), attachmentId, wireToken)
            .transform(x -> Future.<JsonObject>failedFuture(e))))
        .onSuccess(v -> relay.nudge());
  }

  private Future<JsonObject> record(String serverId, String volumeId, String device, String attachmentId,
      Token token, String requestId) {
    return pool.withTransaction(tx -> Instances.get(tx, serverId, true).compose(i -> {
      checkAttachable(i, volumeId, device, token, "attach_volume"); // again, under the row lock
      String picked = DeviceNames.pick(i.volumesAttached(), bootsFromVolume(i), device);
      JsonObject entry = new JsonObject().put("id", volumeId).put("delete_on_termination", false)
          .put("device", picked).put("attachment_id", attachmentId).put("status", "attaching");
      VolumeOrder order = new VolumeOrder(VolumeOrder.VERSION, UUID.randomUUID().toString(), serverId, i.host(),
          VolumeOrder.ATTACH, i.projectId(), volumeId, attachmentId, picked, requestId);
      return write(tx, i, i.volumesAttached().copy().add(entry), "attach_volume", order, token, requestId)
          .map(entry);
    }));
  }

  /** Detaches: the entry goes {@code detaching} and the host's agent unplugs the disk. */
  public Future<Void> detach(String serverId, String volumeId, Token token, String requestId) {
    return visible(serverId, token).compose(seen -> {
      ComputePolicy.requireMember(token, "os_compute_api:os-volumes-attachments:delete");
      return pool.withTransaction(tx -> Instances.get(tx, serverId, true).compose(i -> {
        checkState(i, token, "detach_volume");
        JsonArray entries = i.volumesAttached().copy();
        JsonObject entry = find(entries, volumeId);
        if (entry == null) throw notAttached(serverId, volumeId);
        String device = DeviceNames.of(entries, bootsFromVolume(i)).get(volumeId);
        if (DeviceNames.ROOT.equals(device)) throw ApiException.badRequest("Cannot detach a root device volume");
        if (entry.getString("status") != null) {
          throw ApiException.badRequest("Invalid volume: Unable to detach volume. Volume status must be 'in-use' and"
              + " attach_status must be 'attached' to detach.");
        }
        entry.put("status", "detaching");
        VolumeOrder order = new VolumeOrder(VolumeOrder.VERSION, UUID.randomUUID().toString(), serverId, i.host(),
            VolumeOrder.DETACH, i.projectId(), volumeId, entry.getString("attachment_id"), device, requestId);
        return write(tx, i, entries, "detach_volume", order, token, requestId);
      }));
    }).onSuccess(v -> relay.nudge());
  }

  private static Future<Void> write(SqlConnection tx, Instance i, JsonArray entries, String action,
      VolumeOrder order, Token token, String requestId) {
    return tx.preparedQuery("UPDATE instances SET volumes_attached = $2, updated_at = now() WHERE id = $1")
        .execute(Tuple.of(UUID.fromString(i.id()), entries))
        .compose(r -> InstanceActions.record(tx, i.id(), requestId, action, token.userId(), token.projectId()))
        .compose(v -> Outbox.add(tx, Topics.ASSIGNMENTS, i.host(), order.toJson().encode(), requestId));
  }

  private static void checkAttachable(Instance i, String volumeId, String device, Token token, String action) {
    checkState(i, token, action);
    if (find(i.volumesAttached(), volumeId) != null) {
      throw ApiException.badRequest("Invalid volume: volume " + volumeId + " already attached");
    }
    DeviceNames.pick(i.volumesAttached(), bootsFromVolume(i), device);
  }

  private static void checkState(Instance i, Token token, String action) {
    if (i.locked() && !token.isAdmin()) throw ApiException.conflict("Instance " + i.id() + " is locked");
    if (!STATES.contains(i.vmState()) || i.taskState() != null || i.host() == null) {
      throw ApiException.conflict("Cannot '" + action + "' instance " + i.id() + " while it is in vm_state "
          + i.vmState() + (i.taskState() == null ? "" : " and task_state " + i.taskState()));
    }
  }

  static boolean bootsFromVolume(Instance i) {
    return i.imageId() == null || i.imageId().isEmpty();
  }

  static JsonObject find(JsonArray entries, String volumeId) {
    for (Object o : entries) {
      if (volumeId.equals(((JsonObject) o).getString("id"))) return (JsonObject) o;
    }
    return null;
  }

  static ApiException notAttached(String serverId, String volumeId) {
    return ApiException.notFound("Instance " + serverId + " is not attached to volume " + volumeId);
  }
}
