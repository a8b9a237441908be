package io.strato.agent.net;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A port as the host's plumbing needs it: its id, network, MAC, fixed addresses (by subnet) and the instance it
 * belongs to (its {@code device_id}; null when the caller does not know it, as for an unplug).
 */
public record PlumbedPort(String id, String networkId, String mac, List<FixedIp> fixedIps, String deviceId) {
  public record FixedIp(String subnetId, String ip) {}

  public PlumbedPort {
    fixedIps = List.copyOf(fixedIps);
  }

  /** From the network service's JSON of a port. */
  public static PlumbedPort of(JsonObject port) {
    List<FixedIp> ips = port.getJsonArray("fixed_ips", new JsonArray()).stream().map(o -> (JsonObject) o)
        .map(f -> new FixedIp(f.getString("subnet_id"), f.getString("ip_address"))).toList();
    return new PlumbedPort(port.getString("id"), port.getString("network_id"), port.getString("mac_address"), ips,
        port.getString("device_id"));
  }

  /**
   * The MAC of the host's end of the port's tap: the guest's MAC with {@code fe} as its first octet, as libvirt
   * does. A bridge treats its ports' own MACs as local, so a tap carrying the guest's MAC would swallow the frames
   * sent to the guest.
   */
  public String tapMac() {
    return "fe" + mac.substring(2);
  }
}
