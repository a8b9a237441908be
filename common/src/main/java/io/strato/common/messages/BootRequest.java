package io.strato.common.messages;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * gateway -> scheduler on {@code strato.boot-requests}, keyed by reservation id: "place these instances".
 * One request carries every instance of a multi-create ({@code min_count..max_count}), so the scheduler places
 * them together and fails them together when a server group cannot be satisfied.
 *
 * <p>Idempotency: the scheduler remembers instance ids it has placed; a redelivered request (same
 * {@code messageId}, same instance ids) is answered with the same placement and never claims twice.
 *
 * @param version      message schema version, {@value #VERSION}
 * @param messageId    unique per message (the outbox row id)
 * @param reservationId Nova's reservation id of the create call
 * @param instanceIds  the instances to place, in order
 * @param projectId    owner
 * @param userId       requester
 * @param flavor       what each instance needs
 * @param image        image id and properties (architecture, hypervisor_type, hw_*); empty when booting from volume
 * @param availabilityZone requested zone, or null for any
 * @param group        server group the instances join, or null
 * @param sameHostAs   hosts of instances named in the {@code same_host} hint
 * @param differentHostFrom hosts of instances named in the {@code different_host} hint
 * @param build        what the compute agent needs to build each instance (networks, block devices, key, user
 *                     data, metadata, names), passed through untouched
 * @param requestId    the API request id, for tracing
 * @param attempt      1 for the first placement; a reschedule (a host refused or failed the build) sends the
 *                     instance again with attempt + 1 and the hosts already tried in {@code excludedHosts}
 * @param excludedHosts hosts not to place on (Nova's RetryFilter)
 */
public record BootRequest(int version, String messageId, String reservationId, List<String> instanceIds,
    String projectId, String userId, Flavor flavor, ImageRef image, String availabilityZone, Group group,
    List<String> sameHostAs, List<String> differentHostFrom, JsonObject build, String requestId, int attempt,
    List<String> excludedHosts) {

  /** A first attempt (no hosts excluded). */
  public BootRequest(int version, String messageId, String reservationId, List<String> instanceIds,
      String projectId, String userId, Flavor flavor, ImageRef image, String availabilityZone, Group group,
      List<String> sameHostAs, List<String> differentHostFrom, JsonObject build, String requestId) {
    this(version, messageId, reservationId, instanceIds, projectId, userId, flavor, image, availabilityZone, group,
        sameHostAs, differentHostFrom, build, requestId, 1, List.of());
  }

  public static final int VERSION = 1;

  /** vCPUs, RAM (MiB), root + ephemeral disk (GiB) and extra specs of one instance. */
  public record Flavor(String id, String name, int vcpus, int ramMb, int diskGb, Map<String, String> extraSpecs) {
    public Flavor {
      if (vcpus < 1 || ramMb < 1 || diskGb < 0) throw new IllegalArgumentException("bad flavor sizes");
      extraSpecs = Map.copyOf(extraSpecs);
    }
  }

  public record ImageRef(String id, Map<String, String> properties) {
    public ImageRef {
      properties = Map.copyOf(properties);
    }
  }

  /** A server group: policy {@code affinity}/{@code anti-affinity} and the hosts its members already run on. */
  public record Group(String id, String policy, List<String> memberHosts) {
    public Group {
      if (!policy.equals("affinity") && !policy.equals("anti-affinity")
          && !policy.equals("soft-affinity") && !policy.equals("soft-anti-affinity")) {
        throw new IllegalArgumentException("unknown server group policy " + policy);
      }
      memberHosts = List.copyOf(memberHosts);
    }
  }

  public BootRequest {
    if (version != VERSION) throw new IllegalArgumentException("unsupported boot request version " + version);
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(reservationId, "reservationId");
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(flavor, "flavor");
    if (instanceIds == null || instanceIds.isEmpty()) throw new IllegalArgumentException("no instances to place");
    instanceIds = List.copyOf(instanceIds);
    sameHostAs = List.copyOf(sameHostAs);
    differentHostFrom = List.copyOf(differentHostFrom);
    image = image != null ? image : new ImageRef("", Map.of());
    if (attempt < 1) throw new IllegalArgumentException("attempt must be >= 1");
    excludedHosts = excludedHosts == null ? List.of() : List.copyOf(excludedHosts);
    build = build != null ? build : new JsonObject();
  }

  /** The same request for one of its instances, to be placed again avoiding the hosts already tried. */
  public BootRequest reschedule(String instanceId, List<String> tried) {
    if (!instanceIds.contains(instanceId)) throw new IllegalArgumentException(instanceId + " is not in this request");
    java.util.List<String> excluded = new java.util.ArrayList<>(excludedHosts);
    tried.stream().filter(h -> !excluded.contains(h)).forEach(excluded::add);
    return new BootRequest(version, newMessageId(), reservationId, List.of(instanceId), projectId, userId, flavor,
        image, availabilityZone, group, sameHostAs, differentHostFrom, build, requestId, attempt + 1, excluded);
  }

  public static String newMessageId() {
    return UUID.randomUUID().toString();
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("version", version).put("message_id", messageId).put("reservation_id", reservationId)
        .put("instance_ids", new JsonArray(instanceIds)).put("project_id", projectId).put("user_id", userId)
        .put("flavor", new JsonObject().put("id", flavor.id()).put("name", flavor.name()).put("vcpus", flavor.vcpus())
            .put("ram", flavor.ramMb()).put("disk", flavor.diskGb())
            .put("extra_specs", new JsonObject(Map.copyOf(flavor.extraSpecs()))))
        .put("image", new JsonObject().put("id", image.id()).put("properties", new JsonObject(Map.copyOf(image.properties()))))
        .put("availability_zone", availabilityZone)
        .put("group", group == null ? null : new JsonObject().put("id", group.id()).put("policy", group.policy())
            .put("member_hosts", new JsonArray(group.memberHosts())))
        .put("same_host_as", new JsonArray(sameHostAs)).put("different_host_from", new JsonArray(differentHostFrom))
        .put("build", build).put("request_id", requestId).put("attempt", attempt)
        .put("excluded_hosts", new JsonArray(excludedHosts));
  }

  /** Parses and validates; throws IllegalArgumentException for a message that is not a valid boot request. */
  public static BootRequest fromJson(JsonObject j) {
    try {
      JsonObject f = j.getJsonObject("flavor");
      JsonObject i = j.getJsonObject("image", new JsonObject());
      JsonObject g = j.getJsonObject("group");
      return new BootRequest(j.getInteger("version"), j.getString("message_id"), j.getString("reservation_id"),
          strings(j.getJsonArray("instance_ids")), j.getString("project_id"), j.getString("user_id"),
          new Flavor(f.getString("id"), f.getString("name"), f.getInteger("vcpus"), f.getInteger("ram"),
              f.getInteger("disk"), stringMap(f.getJsonObject("extra_specs"))),
          new ImageRef(i.getString("id", ""), stringMap(i.getJsonObject("properties"))),
          j.getString("availability_zone"),
          g == null ? null : new Group(g.getString("id"), g.getString("policy"), strings(g.getJsonArray("member_hosts"))),
          strings(j.getJsonArray("same_host_as")), strings(j.getJsonArray("different_host_from")),
          j.getJsonObject("build"), j.getString("request_id"), j.getInteger("attempt", 1),
          strings(j.getJsonArray("excluded_hosts")));
    } catch (ClassCastException | NullPointerException e) {
      throw new IllegalArgumentException("malformed boot request: " + e.getMessage(), e);
    }
  }

  private static List<String> strings(JsonArray a) {
    return a == null ? List.of() : a.stream().map(String::valueOf).toList();
  }

  private static Map<String, String> stringMap(JsonObject o) {
    if (o == null) return Map.of();
    Map<String, String> m = new java.util.HashMap<>();
    o.forEach(e -> m.put(e.getKey(), String.valueOf(e.getValue())));
    return m;
  }
}
