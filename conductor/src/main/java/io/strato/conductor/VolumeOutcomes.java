package io.strato.conductor;

import io.strato.common.messages.InstanceUpdate;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * Applies a volume attach or detach outcome from a host ({@link InstanceUpdate#volumeAttached},
 * {@link InstanceUpdate#volumeRemoved}) to the instance's {@code volumes_attached}: the entry the compute API wrote
 * (status attaching or detaching) becomes attached (its status dropped) or goes. Not a state transition: vm_state
 * and task_state stay as they are (another action may have started meanwhile). Fenced by host: only the host the
 * instance is on may report, and a deleted instance is left alone. Applying the same outcome again changes nothing
 * but the event's finish time.
 */
final class VolumeOutcomes {
  private VolumeOutcomes() {}

  static Future<Boolean> apply(SqlConnection tx, InstanceUpdate u) {
    JsonObject outcome = u.changes().getJsonObject(InstanceUpdate.VOLUME_ATTACHMENT);
    boolean attached = "attached".equals(outcome.getString("outcome"));
    // The entries in their order, the volume's entry marked attached (status removed) or left out.
    String entries = attached
        ? "SELECT coalesce(jsonb_agg(CASE WHEN e->>'id' = $2 THEN e - 'status' ELSE e END ORDER BY n), '[]'::jsonb)"
            + " FROM jsonb_array_elements(volumes_attached) WITH ORDINALITY AS x(e, n)"
        : "SELECT coalesce(jsonb_agg(e ORDER BY n) FILTER (WHERE e->>'id' <> $2), '[]'::jsonb)"
            + " FROM jsonb_array_elements(volumes_attached) WITH ORDINALITY AS x(e, n)";
    JsonObject fault = u.fault() == null ? null
        : u.fault().copy().put("created", Transitions.created(u.timestampMillis()));
    return tx.preparedQuery("UPDATE instances SET volumes_attached = (" + entries + "), fault = coalesce($4, fault),"
            + " updated_at = now() WHERE id = $1 AND NOT deleted AND ($3::text IS NULL OR host = $3) RETURNING id")
        .execute(Tuple.tuple().addUUID(UUID.fromString(u.instanceId())).addString(outcome.getString("volume_id"))
            .addString(u.host()).addValue(fault))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture(false)
            : InstanceStates.recordEvent(tx, u).map(true));
  }
}
