package io.strato.common.messages;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * compute agent -> scheduler on {@code strato.host-state} (compacted), keyed by host name: "this is what I am,
 * what I have and what I run". Sent periodically (the heartbeat) and whenever usage changes. Compaction keeps the
 * latest report per host, so a scheduler that starts from nothing replays the topic and knows the whole fleet; a
 * record with a null value (tombstone) removes the host from the topic.
 *
 * <p>The agent is the authority on its own usage: {@code used} counts everything listed in {@code instanceIds}
 * (running or building). The scheduler keeps its own in-flight claims for instances the report does not list yet,
 * so a report racing a claim never makes a full host look free. Reports are idempotent: applying the same one twice
 * changes nothing; an older one applied after a newer one is overwritten by the next.
 *
 * <p>JSON (version {@value #VERSION}):
 * <pre>{@code
 * {"version": 1, "message_id": "…", "host": "compute-01", "timestamp_ms": 1700000000000, "enabled": true,
 *  "availability_zone": "nova", "hypervisor_type": "QEMU", "hypervisor_version": 8002000, "architecture": "x86_64",
 *  "aggregates": [{"name": "fast", "metadata": {"ssd": "true"}}],
 *  "vcpus":     {"total": 16,    "reserved": 0,   "allocation_ratio": 16.0, "used": 4},
 *  "memory_mb": {"total": 32768, "reserved": 512, "allocation_ratio": 1.5,  "used": 8192},
 *  "disk_gb":   {"total": 500,   "reserved": 0,   "allocation_ratio": 1.0,  "used": 40},
 *  "running_instances": 2, "io_ops": 1, "recent_build_failures": 0, "instance_ids": ["…", "…"]}
 * }</pre>
 *
 * @param timestampMillis when the agent measured this (epoch ms): the host's heartbeat; a host silent for longer than
 *                        the scheduler's {@code service_down_time} is not a candidate
 * @param enabled         false when the operator disabled the compute service (no new instances)
 * @param aggregates      the host aggregates the host belongs to, with their metadata
 * @param ioOps           builds, resizes and other I/O heavy operations in progress (Nova's {@code num_io_ops})
 * @param recentBuildFailures consecutive recent build failures (Nova's {@code failed_builds}), 0 after a success
 * @param instanceIds     every instance accounted for in the {@code used} figures
 */
public record HostStateReport(int version, String messageId, String host, long timestampMillis, boolean enabled,
    String availabilityZone, String hypervisorType, long hypervisorVersion, String architecture,
    List<Aggregate> aggregates, Resource vcpus, Resource memoryMb, Resource diskGb, int runningInstances, int ioOps,
    int recentBuildFailures, List<String> instanceIds) {

  public static final int VERSION = 1;

  /** A host aggregate and its metadata (what {@code AggregateInstanceExtraSpecsFilter} matches flavors against). */
  public record Aggregate(String name, Map<String, String> metadata) {
    public Aggregate {
      Objects.requireNonNull(name, "aggregate name");
      metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
  }

  /**
   * One resource class with placement's inventory semantics: an instance fits when
   * {@code used + amount <= (total - reserved) * allocationRatio} and {@code amount <= total}.
   */
  public record Resource(long total, long reserved, double allocationRatio, long used) {
    public Resource {
      if (total < 0 || reserved < 0 || used < 0) throw new IllegalArgumentException("negative resource amounts");
      if (!(allocationRatio > 0)) throw new IllegalArgumentException("allocation ratio must be positive");
    }
  }

  public HostStateReport {
    if (version != VERSION) throw new IllegalArgumentException("unsupported host state report version " + version);
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) throw new IllegalArgumentException("host state report without a host name");
    Objects.requireNonNull(vcpus, "vcpus");
    Objects.requireNonNull(memoryMb, "memory_mb");
    Objects.requireNonNull(diskGb, "disk_gb");
    if (runningInstances < 0 || ioOps < 0 || recentBuildFailures < 0) {
      throw new IllegalArgumentException("negative counters in the report of " + host);
    }
    messageId = messageId == null ? UUID.randomUUID().toString() : messageId;
    availabilityZone = availabilityZone == null ? "" : availabilityZone;
    hypervisorType = hypervisorType == null ? "" : hypervisorType;
    architecture = architecture == null ? "" : architecture;
    aggregates = aggregates == null ? List.of() : List.copyOf(aggregates);
    instanceIds = instanceIds == null ? List.of() : List.copyOf(instanceIds);
  }

  public JsonObject toJson() {
    JsonArray aggs = new JsonArray();
    aggregates.forEach(a -> aggs.add(new JsonObject().put("name", a.name())
        .put("metadata", new JsonObject(new HashMap<>(a.metadata())))));
    return new JsonObject().put("version", version).put("message_id", messageId).put("host", host)
        .put("timestamp_ms", timestampMillis).put("enabled", enabled).put("availability_zone", availabilityZone)
        .put("hypervisor_type", hypervisorType).put("hypervisor_version", hypervisorVersion)
        .put("architecture", architecture).put("aggregates", aggs)
        .put("vcpus", resource(vcpus)).put("memory_mb", resource(memoryMb)).put("disk_gb", resource(diskGb))
        .put("running_instances", runningInstances).put("io_ops", ioOps)
        .put("recent_build_failures", recentBuildFailures).put("instance_ids", new JsonArray(instanceIds));
  }

  /** Parses and validates; throws IllegalArgumentException for a message that is not a valid host state report. */
  public static HostStateReport fromJson(JsonObject j) {
    try {
      return new HostStateReport(j.getInteger("version", 0), j.getString("message_id"), j.getString("host"),
          j.getLong("timestamp_ms"), j.getBoolean("enabled", true), j.getString("availability_zone"),
          j.getString("hypervisor_type"), j.getLong("hypervisor_version", 0L), j.getString("architecture"),
          j.getJsonArray("aggregates", new JsonArray()).stream()
              .map(o -> (JsonObject) o)
              .map(a -> new Aggregate(a.getString("name"), strings(a.getJsonObject("metadata"))))
              .toList(),
          resource(j.getJsonObject("vcpus")), resource(j.getJsonObject("memory_mb")),
          resource(j.getJsonObject("disk_gb")), j.getInteger("running_instances", 0), j.getInteger("io_ops", 0),
          j.getInteger("recent_build_failures", 0),
          j.getJsonArray("instance_ids", new JsonArray()).stream().map(String::valueOf).toList());
    } catch (ClassCastException | NullPointerException e) {
      throw new IllegalArgumentException("malformed host state report: " + e.getMessage(), e);
    }
  }

  private static JsonObject resource(Resource r) {
    return new JsonObject().put("total", r.total()).put("reserved", r.reserved())
        .put("allocation_ratio", r.allocationRatio()).put("used", r.used());
  }

  private static Resource resource(JsonObject o) {
    return new Resource(o.getLong("total"), o.getLong("reserved", 0L), o.getDouble("allocation_ratio", 1.0),
        o.getLong("used", 0L));
  }

  private static Map<String, String> strings(JsonObject o) {
    Map<String, String> m = new HashMap<>();
    if (o != null) o.forEach(e -> m.put(e.getKey(), String.valueOf(e.getValue())));
    return m;
  }
}
