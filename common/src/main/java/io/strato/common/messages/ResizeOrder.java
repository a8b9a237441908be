package io.strato.common.messages;

import io.strato.common.lifecycle.VmState;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One step of a resize or cold migration (Nova's {@code resize}, {@code migrate}, {@code confirmResize},
 * {@code revertResize}), passed from stage to stage. The compute API sends {@link #SCHEDULE} to the scheduler on
 * {@code strato.boot-requests} (keyed by instance id); the scheduler claims the new flavor on a destination under the
 * migration id and sends {@link #MIGRATE} to the source host; every later step goes to the host that does it on
 * {@code strato.assignments} (keyed by that host): {@link #FINISH} to the destination; the compute API's
 * {@link #CONFIRM} to the source, then {@link #CONFIRM_FINISH} to the destination; its {@link #REVERT} to the
 * destination, then {@link #REVERT_FINISH} to the source.
 *
 * <p>Idempotency: each step is keyed by (migration id, step) and checked by the agent against the instance's task
 * state as the compute API records it before it acts, so a redelivered step does no harm.
 *
 * @param host      the host this step is for (the record's key on strato.assignments); null for {@link #SCHEDULE}
 * @param destHost  the destination, once the scheduler chose it
 * @param vmState   the vm_state the server had before the resize ({@code active} or {@code stopped}), which it
 *                  gets back at the end (powered on only if it was active)
 * @param oldFlavor the flavor the server runs with now
 * @param newFlavor the flavor asked for (the same as {@code oldFlavor} for a cold migration)
 * @param targetHost the host an admin named for a cold migration, or null for any
 * @param sourceDir the folder where the source host keeps the server's disk and domain definition until confirm or
 *                  revert (set by the source with {@link #FINISH}; the destination reads the disk from it: both hosts
 *                  are on one machine or share the agents' state folder)
 */
public record ResizeOrder(int version, String messageId, String step, String migrationId, String instanceId,
    String projectId, String requestId, String host, String sourceHost, String destHost, VmState vmState,
    BootRequest.Flavor oldFlavor, BootRequest.Flavor newFlavor, String availabilityZone, String targetHost,
    String sourceDir) {

  public static final int VERSION = 1;
  public static final String TYPE = "resize-order";
  public static final String SCHEDULE = "schedule";
  public static final String MIGRATE = "migrate";
  public static final String FINISH = "finish";
  public static final String CONFIRM = "confirm";
  public static final String CONFIRM_FINISH = "confirm-finish";
  public static final String REVERT = "revert";
  public static final String REVERT_FINISH = "revert-finish";
  private static final Set<String> STEPS = Set.of(SCHEDULE, MIGRATE, FINISH, CONFIRM, CONFIRM_FINISH, REVERT,
      REVERT_FINISH);

  public ResizeOrder {
    if (version != VERSION) throw new IllegalArgumentException("unsupported resize order version " + version);
    if (!STEPS.contains(step)) throw new IllegalArgumentException("unknown resize step " + step);
    Objects.requireNonNull(migrationId, "migrationId");
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(sourceHost, "sourceHost");
    Objects.requireNonNull(oldFlavor, "oldFlavor");
    Objects.requireNonNull(newFlavor, "newFlavor");
    if (vmState != VmState.ACTIVE && vmState != VmState.STOPPED) {
      throw new IllegalArgumentException("a resize starts from active or stopped, not " + vmState);
    }
    if (!step.equals(SCHEDULE)) {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(destHost, "destHost");
    }
  }

  /** Whether this is a cold migration (same flavor), which Nova records as {@code migrate}. */
  public boolean migration() {
    return oldFlavor.equals(newFlavor);
  }

  /** The next step, for {@code nextHost}, with a message id derived from this migration and step. */
  public ResizeOrder next(String nextStep, String nextHost, String dest) {
    return next(nextStep, nextHost, dest, sourceDir);
  }

  /** {@link #next(String, String, String)} naming where the source keeps the server's disk. */
  public ResizeOrder next(String nextStep, String nextHost, String dest, String dir) {
    return new ResizeOrder(VERSION, java.util.UUID.nameUUIDFromBytes((migrationId + "\n" + nextStep)
        .getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString(), nextStep, migrationId, instanceId, projectId,
        requestId, nextHost, sourceHost, dest, vmState, oldFlavor, newFlavor, availabilityZone, targetHost, dir);
  }

  /** The same migration carried on with another request (the confirm or revert call's own request id). */
  public ResizeOrder withRequestId(String id) {
    return new ResizeOrder(version, messageId, step, migrationId, instanceId, projectId, id, host, sourceHost, destHost,
        vmState, oldFlavor, newFlavor, availabilityZone, targetHost, sourceDir);
  }

  public JsonObject toJson() {
    return new JsonObject().put("type", TYPE).put("version", version).put("message_id", messageId).put("step", step)
        .put("migration_id", migrationId).put("instance_id", instanceId).put("project_id", projectId)
        .put("request_id", requestId).put("host", host).put("source_host", sourceHost).put("dest_host", destHost)
        .put("vm_state", vmState.wire()).put("old_flavor", flavor(oldFlavor)).put("new_flavor", flavor(newFlavor))
        .put("availability_zone", availabilityZone).put("target_host", targetHost).put("source_dir", sourceDir);
  }

  public static ResizeOrder fromJson(JsonObject j) {
    try {
      return new ResizeOrder(j.getInteger("version", 0), j.getString("message_id"), j.getString("step"),
          j.getString("migration_id"), j.getString("instance_id"), j.getString("project_id"),
          j.getString("request_id"), j.getString("host"), j.getString("source_host"), j.getString("dest_host"),
          VmState.of(j.getString("vm_state")), flavor(j.getJsonObject("old_flavor")),
          flavor(j.getJsonObject("new_flavor")), j.getString("availability_zone"), j.getString("target_host"),
          j.getString("source_dir"));
    } catch (ClassCastException | NullPointerException e) {
      throw new IllegalArgumentException("malformed resize order: " + e.getMessage(), e);
    }
  }

  /** The flavor as the instance row keeps it ({@code vcpus}, {@code ram}, {@code disk}, ...). */
  public static BootRequest.Flavor flavorOf(JsonObject snapshot) {
    return flavor(snapshot);
  }

  /** The flavor as the instance row keeps it: what the server shows once it runs with it. */
  public static JsonObject snapshot(BootRequest.Flavor f) {
    return flavor(f);
  }

  private static JsonObject flavor(BootRequest.Flavor f) {
    return new JsonObject().put("id", f.id()).put("name", f.name()).put("vcpus", f.vcpus()).put("ram", f.ramMb())
        .put("disk", f.diskGb()).put("extra_specs", new JsonObject(Map.copyOf(f.extraSpecs())));
  }

  private static BootRequest.Flavor flavor(JsonObject f) {
    JsonObject specs = f.getJsonObject("extra_specs", new JsonObject());
    Map<String, String> extra = new java.util.HashMap<>();
    specs.forEach(e -> extra.put(e.getKey(), String.valueOf(e.getValue())));
    return new BootRequest.Flavor(f.getString("id"), f.getString("name"), f.getInteger("vcpus"), f.getInteger("ram"),
        f.getInteger("disk", 0), extra);
  }
}
