package io.strato.conductor;

import io.strato.common.lifecycle.TaskState;
import io.strato.common.lifecycle.VmState;
import io.strato.common.messages.InstanceUpdate;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;

/**
 * The compare-and-set of a batch of instance updates as one statement: each update's new state, applied only where
 * the instance is in the state the sender expected and the update comes from the instance's (host, attempt) (see
 * {@link InstanceStates}). The rows are locked in instance-id order whatever the batch's order, so two transactions
 * over the same instances wait for each other instead of deadlocking. At most one update per instance in a batch
 * (the consumer's batches hold one per key).
 */
final class Transitions {
  private static final DateTimeFormatter CREATED = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'");

  // The locked read gives the vm_state before the change (RETURNING sees only the new row).
  private static final String SQL = "WITH v AS (SELECT * FROM unnest($1::int[], $2::uuid[], $3::text[], $4::text[],"
      + " $5::text[], $6::text[], $7::int[], $8::text[], $9::text[], $10::text[], $11::text[], $12::int[],"
      + " $13::text[], $14::text[])"
      + " AS v(ord, v_id, v_vm_state, v_task_state, v_host, v_fault, v_power_state, v_addresses, v_volumes,"
      + " v_expected_vm, v_expected_task, v_attempt, v_moved_to, v_flavor)),"
      + " old AS (SELECT id AS old_id, vm_state AS old_vm_state FROM instances WHERE id IN (SELECT v_id FROM v)"
      + " ORDER BY id FOR UPDATE)"
      + " UPDATE instances SET vm_state = v_vm_state, task_state = v_task_state,"
      + " host = coalesce(v_moved_to, v_host, host),"
      + " attempt = CASE WHEN host IS NULL AND v_host IS NOT NULL THEN v_attempt ELSE attempt END,"
      + " node = coalesce(v_moved_to, v_host, node), flavor = coalesce(v_flavor::jsonb, flavor),"
      + " fault = coalesce(v_fault::jsonb, fault),"
      + " power_state = coalesce(v_power_state, power_state), addresses = coalesce(v_addresses::jsonb, addresses),"
      + " volumes_attached = coalesce(v_volumes::jsonb, volumes_attached),"
      + " launched_at = CASE WHEN v_vm_state = 'active' AND launched_at IS NULL THEN now() ELSE launched_at END,"
      + " deleted = deleted OR v_vm_state = 'deleted',"
      + " deleted_at = CASE WHEN v_vm_state = 'deleted' THEN now() ELSE deleted_at END,"
      + " terminated_at = CASE WHEN v_vm_state = 'deleted' THEN now() ELSE terminated_at END,"
      + " progress = CASE WHEN v_vm_state = 'active' THEN 100 ELSE progress END, updated_at = now()"
      + " FROM v JOIN old ON old_id = v_id"
      + " WHERE instances.id = v_id AND NOT deleted AND (v_expected_vm IS NULL OR vm_state = v_expected_vm)"
      + " AND task_state IS NOT DISTINCT FROM v_expected_task"
      // The fence: an update from a host applies only to an instance no host has taken yet, or taken by that host in
      // that attempt (an update that names no attempt is fenced by host only).
      + " AND (v_host IS NULL OR host IS NULL OR (host = v_host AND (v_attempt IS NULL OR attempt IS NULL"
      + " OR attempt = v_attempt)))"
      + " RETURNING ord, old_vm_state, " + Lifecycle.RETURNING;

  private Transitions() {}

  /**
   * Applies {@code updates} (different instances) in one statement; answers, per update in the given order, the
   * instance's row after the change with its {@code old_vm_state}, or null where the compare-and-set refused it.
   */
  static Future<Row[]> apply(SqlConnection tx, List<InstanceUpdate> updates) {
    int n = updates.size();
    Integer[] ord = new Integer[n];
    UUID[] ids = new UUID[n];
    String[] vmStates = new String[n];
    String[] taskStates = new String[n];
    String[] hosts = new String[n];
    String[] faults = new String[n];
    Integer[] powerStates = new Integer[n];
    String[] addresses = new String[n];
    String[] volumes = new String[n];
    String[] expectedVm = new String[n];
    String[] expectedTask = new String[n];
    Integer[] attempts = new Integer[n];
    String[] movedTo = new String[n];
    String[] flavors = new String[n];
    for (int i = 0; i < n; i++) {
      InstanceUpdate u = updates.get(i);
      JsonObject c = u.changes();
      ord[i] = i;
      ids[i] = UUID.fromString(u.instanceId());
      vmStates[i] = u.vmState().wire();
      taskStates[i] = TaskState.wireOf(u.taskState());
      hosts[i] = u.host();
      faults[i] = u.fault() == null ? null : u.fault().copy().put("created", created(u.timestampMillis())).encode();
      powerStates[i] = c.getInteger("power_state");
      addresses[i] = c.getJsonObject("addresses") == null ? null : c.getJsonObject("addresses").encode();
      volumes[i] = c.getJsonArray("volumes_attached") == null ? null : c.getJsonArray("volumes_attached").encode();
      expectedVm[i] = VmState.wireOf(u.expectedVmState());
      expectedTask[i] = TaskState.wireOf(u.expectedTaskState());
      attempts[i] = u.attempt() > 0 ? u.attempt() : null;
      // A resize or cold migration moves the instance to another host and flavor (ResizeOrder).
      movedTo[i] = c.getString("host");
      flavors[i] = c.getJsonObject("flavor") == null ? null : c.getJsonObject("flavor").encode();
    }
    Tuple args = Tuple.tuple().addArrayOfInteger(ord).addArrayOfUUID(ids).addArrayOfString(vmStates)
        .addArrayOfString(taskStates).addArrayOfString(hosts).addArrayOfString(faults).addArrayOfInteger(powerStates)
        .addArrayOfString(addresses).addArrayOfString(volumes).addArrayOfString(expectedVm)
        .addArrayOfString(expectedTask).addArrayOfInteger(attempts).addArrayOfString(movedTo)
        .addArrayOfString(flavors);
    return tx.preparedQuery(SQL).execute(args).map(rows -> {
      Row[] byUpdate = new Row[n];
      for (Row r : rows) byUpdate[r.getInteger("ord")] = r;
      return byUpdate;
    });
  }

  static String created(long millis) {
    return CREATED.format(OffsetDateTime.ofInstant(Instant.ofEpochMilli(millis == 0 ? System.currentTimeMillis()
        : millis), ZoneOffset.UTC));
  }
}
