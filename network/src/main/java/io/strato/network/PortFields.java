package io.strato.network;

import io.strato.common.auth.Token;
import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Validates port bodies; {@code binding:host_id} and {@code binding:profile} are for admins (Nova's service user). */
final class PortFields {
  /**
   * Addresses one port may ask for (Neutron's max_fixed_ips_per_port): without it one port could take a whole shared
   * subnet in one request, whatever the port quota.
   */
  static final int MAX_FIXED_IPS = 5;
  // No qos_policy_id: without Neutron's qos extension it is an unrecognized attribute (400), not silently ignored.
  static final Set<String> CREATE = Set.of("network_id", "name", "description", "fixed_ips", "mac_address",
      "device_id", "device_owner", "binding:host_id", "binding:profile", "binding:vnic_type", "security_groups",
      "admin_state_up", "port_security_enabled", "project_id", "tenant_id", "allowed_address_pairs",
      "extra_dhcp_opts", "dns_name", "propagate_uplink_status");
  static final Set<String> UPDATE = Set.of("name", "description", "fixed_ips", "device_id", "device_owner",
      "binding:host_id", "binding:profile", "binding:vnic_type", "security_groups", "admin_state_up",
      "port_security_enabled", "allowed_address_pairs", "extra_dhcp_opts", "dns_name", "propagate_uplink_status");
  static final Set<String> VNIC_TYPES = Set.of("normal", "direct", "macvtap", "baremetal", "direct-physical",
      "virtio-forwarder", "smart-nic", "vdpa", "accelerator-direct", "accelerator-direct-physical", "remote-managed");
  private static final Pattern MAC = Pattern.compile("[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2}){5}");

  /** One requested address: a subnet, an address, or both. */
  record FixedIp(String subnetId, Ip ip) {}

  private PortFields() {}

  /** The plain attributes of a create or update, type-checked. */
  static JsonObject validate(JsonObject body, Token token, String action) {
    JsonObject out = new JsonObject();
    for (String key : new String[] {"name", "description", "device_id", "device_owner"}) {
      String v = Fields.optionalString(body, key, 255);
      if (v != null) out.put(key, v);
    }
    Boolean up = Fields.optionalBoolean(body, "admin_state_up");
    if (up != null) out.put("admin_state_up", up);
    Boolean security = Fields.optionalBoolean(body, "port_security_enabled");
    if (security != null) out.put("port_security_enabled", security);
    if (body.containsKey("binding:host_id")) {
      // Neutron's default: rule:admin_only or rule:service_api (the compute agent binding its instance's port).
      if (!token.isAdmin() && !token.isService()) throw Neutron.forbidden(action + ":binding:host_id");
      String host = Fields.optionalString(body, "binding:host_id", 255);
      out.put("host_id", host == null ? "" : host);
    }
    if (body.containsKey("binding:profile")) {
      if (!token.isAdmin()) throw Neutron.forbidden(action + ":binding:profile");
      JsonObject profile = Fields.optionalObject(body, "binding:profile");
      out.put("profile", profile == null ? new JsonObject() : profile);
    }
    String vnic = Fields.optionalString(body, "binding:vnic_type", 64);
    if (vnic != null) {
      if (!VNIC_TYPES.contains(vnic)) throw Neutron.badRequest("Invalid input for binding:vnic_type. Reason: '"
          + vnic + "' is not in " + VNIC_TYPES + ".");
      out.put("vnic_type", vnic);
    }
    for (String ignoredList : new String[] {"allowed_address_pairs", "extra_dhcp_opts"}) {
      JsonArray a = Fields.optionalArray(body, ignoredList);
      if (a != null && !a.isEmpty()) throw Neutron.badRequest(ignoredList + " are not supported.");
    }
    return out;
  }

  /** The MAC address asked for, in lower case with colons; 400 unless a unicast MAC. */
  static String mac(JsonObject body) {
    String mac = Fields.optionalString(body, "mac_address", 32);
    if (mac == null) return null;
    if (!MAC.matcher(mac).matches() || Integer.parseInt(mac.substring(0, 2), 16) % 2 == 1
        || mac.replaceAll("[:-]", "").matches("0+")) {
      throw Neutron.badRequest("Invalid input for mac_address. Reason: '" + mac + "' is not a valid MAC address.");
    }
    return mac.toLowerCase().replace('-', ':');
  }

  /** The security group ids asked for (null when absent: the project's default group then applies). */
  static List<String> securityGroups(JsonObject body) {
    if (!body.containsKey("security_groups")) return null;
    Object raw = body.getValue("security_groups");
    if (raw == null) return List.of();
    if (!(raw instanceof JsonArray list)) throw Neutron.badRequest("Invalid input for security_groups: not a list.");
    Set<String> ids = new LinkedHashSet<>();
    for (Object o : list) {
      String id = o instanceof String s ? Neutron.uuidOrNull(s) : null;
      if (id == null) throw Neutron.badRequest("Invalid input for security_groups. Reason: '" + o
          + "' is not a valid UUID.");
      ids.add(id);
    }
    return List.copyOf(ids);
  }

  /** The addresses asked for (null when absent: one from the network's first IPv4 and IPv6 subnets then). */
  static List<FixedIp> fixedIps(JsonObject body) {
    if (!body.containsKey("fixed_ips")) return null;
    Object raw = body.getValue("fixed_ips");
    if (raw == null) return List.of();
    if (!(raw instanceof JsonArray list)) throw Neutron.badRequest("Invalid input for fixed_ips: not a list.");
    if (list.size() > MAX_FIXED_IPS) {
      throw new ApiException(400, "InvalidInput", "Invalid input for operation: Exceeded maximum amount of fixed ips"
          + " per port.");
    }
    List<FixedIp> out = new ArrayList<>();
    for (Object o : list) {
      if (!(o instanceof JsonObject entry)) throw Neutron.badRequest("Invalid input for fixed_ips: " + o
          + " is not an object.");
      Neutron.onlyKnown(entry, Set.of("subnet_id", "ip_address"));
      String subnet = Fields.optionalString(entry, "subnet_id", 64);
      String address = Fields.optionalString(entry, "ip_address", 64);
      if (subnet == null && address == null) {
        throw Neutron.badRequest("Invalid input for fixed_ips: each entry needs a subnet_id or an ip_address.");
      }
      Ip ip = null;
      if (address != null) {
        ip = Ip.parseOrNull(address);
        if (ip == null) throw Neutron.badRequest("Invalid input for fixed_ips. Reason: '" + address
            + "' is not a valid IP address.");
      }
      out.add(new FixedIp(subnet, ip));
    }
    return out;
  }
}
