package io.strato.gateway.metadata;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the metadata service tells one instance about itself, in Nova's shapes: the OpenStack
 * {@code meta_data.json} and {@code network_data.json}, the raw {@code user_data}, and the EC2 tree's leaves.
 */
record InstanceMetadata(String id, String name, String projectId, String availabilityZone, int launchIndex,
    String keyName, String keyData, JsonObject meta, byte[] userData, JsonObject addresses) {

  static final String COLUMNS = "id, name, project_id, availability_zone, launch_index, key_name, key_data,"
      + " metadata, user_data, addresses";

  static InstanceMetadata from(Row r) {
    String userData = r.getString("user_data");
    return new InstanceMetadata(r.getUUID("id").toString(), r.getString("name"), r.getString("project_id"),
        r.getString("availability_zone"), r.getInteger("launch_index"), r.getString("key_name"),
        r.getString("key_data"), r.getJsonObject("metadata") == null ? new JsonObject() : r.getJsonObject("metadata"),
        userData == null ? null : Base64.getMimeDecoder().decode(userData.getBytes(StandardCharsets.US_ASCII)),
        r.getJsonObject("addresses") == null ? new JsonObject() : r.getJsonObject("addresses"));
  }

  /** Nova's hostname: the display name lower-cased, anything but letters, digits and '-' made '-'. */
  String hostname() {
    String h = name == null ? "" : name.toLowerCase().replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
    return h.isEmpty() ? "server-" + id : h.length() > 63 ? h.substring(0, 63) : h;
  }

  JsonObject metaData() {
    JsonObject doc = new JsonObject().put("uuid", id).put("name", name).put("hostname", hostname())
        .put("project_id", projectId).put("launch_index", launchIndex)
        .put("availability_zone", availabilityZone).put("meta", meta);
    if (keyName != null && keyData != null) {
      doc.put("public_keys", new JsonObject().put(keyName, keyData)).put("keys", new JsonArray().add(new JsonObject()
          .put("name", keyName).put("type", "ssh").put("data", keyData)));
    }
    return doc;
  }

  /** One link per MAC and an {@code ipv4_dhcp} network on each: the guest asks DHCP for its addresses. */
  JsonObject networkData() {
    JsonArray links = new JsonArray();
    JsonArray networks = new JsonArray();
    Map<String, String> linkOfMac = new LinkedHashMap<>();
    addresses.forEach(e -> {
      for (Object o : (JsonArray) e.getValue()) {
        JsonObject a = (JsonObject) o;
        String mac = a.getString("OS-EXT-IPS-MAC:mac_addr");
        if (mac == null || a.getInteger("version", 4) != 4) continue;
        String link = linkOfMac.computeIfAbsent(mac, m -> {
          String l = "tap" + linkOfMac.size();
          links.add(new JsonObject().put("id", l).put("type", "ethernet").put("ethernet_mac_address", m));
          return l;
        });
        networks.add(new JsonObject().put("id", "network" + networks.size()).put("type", "ipv4_dhcp")
            .put("link", link).put("network_id", e.getKey()));
      }
    });
    return new JsonObject().put("links", links).put("networks", networks).put("services", new JsonArray());
  }

  /** The first IPv4 fixed address, for EC2's {@code local-ipv4}; empty when none. */
  String localIpv4() {
    List<String> out = new ArrayList<>();
    addresses.forEach(e -> ((JsonArray) e.getValue()).stream().map(o -> (JsonObject) o)
        .filter(a -> a.getInteger("version", 4) == 4).forEach(a -> out.add(a.getString("addr"))));
    return out.isEmpty() ? "" : out.get(0);
  }

  /** A leaf of EC2's {@code meta-data/} tree, or null when there is no such leaf. */
  String ec2(String path) {
    return switch (path) {
      case "", "/" -> "ami-id\navailability-zone\nhostname\ninstance-id\nlocal-hostname\nlocal-ipv4\nplacement/"
          + (keyData != null ? "\npublic-keys/" : "");
      case "instance-id" -> id;
      case "hostname", "local-hostname" -> hostname();
      case "local-ipv4" -> localIpv4();
      case "ami-id" -> "";
      case "placement", "placement/" -> "availability-zone";
      case "availability-zone", "placement/availability-zone" -> availabilityZone;
      case "public-keys", "public-keys/" -> keyData == null ? null : "0=" + keyName;
      case "public-keys/0", "public-keys/0/" -> keyData == null ? null : "openssh-key";
      case "public-keys/0/openssh-key" -> keyData;
      default -> null;
    };
  }
}
