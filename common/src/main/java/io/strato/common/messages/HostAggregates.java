package io.strato.common.messages;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * compute API -> schedulers on {@code strato.service-state} (compacted), keyed {@code aggregates/<host>} (apart from
 * the host's {@link ServiceStatus}): every host aggregate the host belongs to ({@code os-aggregates}), with its
 * metadata, and the availability zone they make ({@code availability_zone} metadata; null when none does: the host
 * keeps the zone its agent reports). Written through the compute API's outbox in the transaction that changes the
 * aggregate, for every host it touches; a host that left every aggregate gets an empty list, never a tombstone.
 * Applying one twice changes nothing: it replaces what the scheduler knew of the host's aggregates.
 *
 * <p>JSON (version {@value #VERSION}):
 * <pre>{@code
 * {"type": "host-aggregates", "version": 1, "host": "compute-01", "availability_zone": "az1",
 *  "aggregates": [{"name": "fast", "metadata": {"availability_zone": "az1", "ssd": "true"}}]}
 * }</pre>
 */
public record HostAggregates(int version, String host, String availabilityZone, List<Aggregate> aggregates) {
  public static final int VERSION = 1;
  public static final String TYPE = "host-aggregates";

  /** One aggregate of the host: its name and metadata. */
  public record Aggregate(String name, Map<String, String> metadata) {
    public Aggregate {
      Objects.requireNonNull(name, "aggregate name");
      metadata = Map.copyOf(metadata);
    }
  }

  public HostAggregates {
    if (version != VERSION) throw new IllegalArgumentException("unsupported host aggregates version " + version);
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) throw new IllegalArgumentException("host aggregates without a host name");
    aggregates = List.copyOf(aggregates);
  }

  /** The record key: apart from the host's service status, which compaction would otherwise replace. */
  public static String key(String host) {
    return "aggregates/" + host;
  }

  /** Whether a record on {@code strato.service-state} is one of these (else a {@link ServiceStatus}). */
  public static boolean isOne(JsonObject j) {
    return TYPE.equals(j.getValue("type"));
  }

  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    aggregates.forEach(a -> list.add(new JsonObject().put("name", a.name())
        .put("metadata", new JsonObject(new LinkedHashMap<>(a.metadata())))));
    return new JsonObject().put("type", TYPE).put("version", version).put("host", host)
        .put("availability_zone", availabilityZone).put("aggregates", list);
  }

  /** Parses and validates; throws IllegalArgumentException for a message that is not valid. */
  public static HostAggregates fromJson(JsonObject j) {
    try {
      List<Aggregate> aggregates = new ArrayList<>();
      for (Object o : j.getJsonArray("aggregates")) {
        JsonObject a = (JsonObject) o;
        Map<String, String> metadata = new LinkedHashMap<>();
        a.getJsonObject("metadata").forEach(e -> metadata.put(e.getKey(), (String) e.getValue()));
        aggregates.add(new Aggregate(a.getString("name"), metadata));
      }
      return new HostAggregates(j.getInteger("version", 0), j.getString("host"), j.getString("availability_zone"),
          aggregates);
    } catch (ClassCastException | NullPointerException e) {
      throw new IllegalArgumentException("malformed host aggregates: " + e.getMessage(), e);
    }
  }
}
