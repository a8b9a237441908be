package io.strato.gateway.servers;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * A validated {@code POST /servers} body. Every field has been type- and range-checked by
 * {@link ServerCreateParser}; what needs the database or other services (flavor, key, group, image) is checked by
 * {@link ServerCreator}.
 *
 * @param imageId  image uuid, or "" when booting from a volume
 * @param networks "auto", "none", or a JSON array of {uuid|port|fixed_ip}
 * @param blockDevices validated block_device_mapping_v2 entries
 */
public record ServerCreateRequest(String name, String description, String imageId, String flavorId,
    String adminPass, Map<String, String> metadata, Object networks, JsonArray securityGroups, String keyName,
    String userData, String availabilityZone, JsonArray blockDevices, int minCount, int maxCount,
    boolean returnReservationId, String configDrive, String groupId, List<String> sameHost,
    List<String> differentHost) {

  /** The root disk is a volume: no image, or a boot-index-0 block device on a volume (Nova's "is_bfv"). */
  public boolean bootsFromVolume() {
    return imageId.isEmpty() || blockDevices.stream().map(o -> (JsonObject) o)
        .anyMatch(d -> Integer.valueOf(0).equals(d.getInteger("boot_index"))
            && "volume".equals(d.getString("destination_type")));
  }

  /**
   * What the compute agent needs beyond flavor and image, sent in the boot request and from there in the assignment.
   * It carries no secret: {@code user_data} stays in the instance row and {@code adminPass} only in the create reply,
   * because Kafka records are read by every scheduler and kept for the topic's retention.
   */
  public JsonObject buildSpec() {
    return new JsonObject().put("networks", networks).put("security_groups", securityGroups)
        .put("block_device_mapping_v2", blockDevices).put("key_name", keyName)
        .put("metadata", new JsonObject(Map.copyOf(metadata))).put("config_drive", configDrive);
  }
}
