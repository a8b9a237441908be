package io.strato.network;

import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;

/**
 * Validates a subnet body as Neutron does: a CIDR of the stated IP version with no host bits, a gateway inside it
 * (default: its first usable address; {@code null}: none), pools inside it that do not hold the gateway (default:
 * everything usable but the gateway), up to five DNS servers and twenty host routes.
 */
final class SubnetFields {
  static final Set<String> CREATE = Set.of("name", "description", "network_id", "ip_version", "cidr", "gateway_ip",
      "allocation_pools", "enable_dhcp", "dns_nameservers", "host_routes", "ipv6_ra_mode", "ipv6_address_mode",
      "project_id", "tenant_id", "subnetpool_id", "use_default_subnetpool", "prefixlen", "service_types",
      "segment_id", "dns_publish_fixed_ip");
  static final Set<String> UPDATE = Set.of("name", "description", "gateway_ip", "allocation_pools", "enable_dhcp",
      "dns_nameservers", "host_routes", "service_types", "segment_id", "dns_publish_fixed_ip");
  private static final Set<String> IPV6_MODES = Set.of("slaac", "dhcpv6-stateful", "dhcpv6-stateless");
  static final int MAX_DNS = 5;
  static final int MAX_ROUTES = 20;

  private SubnetFields() {}

  /** The prefix and version of a new subnet: {@code ip_version} 4 or 6, {@code cidr} of that version. */
  static Cidr cidr(JsonObject body) {
    if (body.getValue("subnetpool_id") != null || Boolean.TRUE.equals(body.getValue("use_default_subnetpool"))) {
      throw Neutron.badRequest("Subnet pools are not supported: give a 'cidr'.");
    }
    int version = Fields.requiredInt(body, "ip_version", 0, 1000);
    if (version != 4 && version != 6) {
      throw Neutron.badRequest("Invalid input for ip_version. Reason: " + version + " is not in [4, 6].");
    }
    Object raw = body.getValue("cidr");
    if (raw == null) throw Neutron.badRequest("A cidr must be specified in the absence of a subnet pool");
    if (!(raw instanceof String text)) throw Neutron.badRequest("Invalid input for cidr. Reason: not a string.");
    Cidr cidr = Cidr.parseOrNull(text, true);
    if (cidr == null) {
      Cidr loose = Cidr.parseOrNull(text.contains("/") ? text : "-", false);
      throw Neutron.badRequest("Invalid input for cidr. Reason: '" + text + "' "
          + (loose != null ? "isn't a recommended CIDR, use '" + loose + "' instead." : "is not a valid IP subnet."));
    }
    if (cidr.version() != version) {
      throw Neutron.badRequest("Invalid input for operation: Cidr " + cidr + " is not an IPv" + version + " prefix.");
    }
    if (cidr.prefix() == 0) throw Neutron.badRequest("Invalid input for cidr: a /0 subnet is not allowed.");
    return cidr;
  }

  /** The gateway: absent means the first usable address, {@code null} means none. */
  static Ip gateway(JsonObject body, Cidr cidr) {
    if (!body.containsKey("gateway_ip")) {
      boolean room = cidr.size().compareTo(java.math.BigInteger.valueOf(cidr.version() == 4 ? 4 : 2)) >= 0;
      return room ? cidr.first().plus(1) : null;
    }
    return explicitGateway(body.getValue("gateway_ip"), cidr);
  }

  static Ip explicitGateway(Object raw, Cidr cidr) {
    if (raw == null) return null;
    Ip ip = raw instanceof String s ? Ip.parseOrNull(s) : null;
    if (ip == null) throw Neutron.badRequest("Invalid input for gateway_ip. Reason: '" + raw
        + "' is not a valid IP address.");
    if (!cidr.contains(ip) || cidr.reserved(ip)) {
      throw Neutron.badRequest("Invalid input for operation: Gateway is not valid on subnet " + cidr + ".");
    }
    return ip;
  }

  /** Validates the plain attributes of a create or an update into {@code out}. */
  static JsonObject plain(JsonObject body, int ipVersion) {
    JsonObject out = new JsonObject();
    String name = Fields.optionalString(body, "name", 255);
    if (name != null) out.put("name", name);
    String description = Fields.optionalString(body, "description", 255);
    if (description != null) out.put("description", description);
    Boolean dhcp = Fields.optionalBoolean(body, "enable_dhcp");
    if (dhcp != null) out.put("enable_dhcp", dhcp);
    if (body.containsKey("dns_nameservers")) out.put("dns_nameservers", dns(body.getValue("dns_nameservers")));
    if (body.containsKey("host_routes")) out.put("host_routes", routes(body.getValue("host_routes"), ipVersion));
    for (String mode : new String[] {"ipv6_ra_mode", "ipv6_address_mode"}) {
      Object v = body.getValue(mode);
      if (v == null) continue;
      if (ipVersion != 6) throw Neutron.badRequest("Invalid input for operation: " + mode
          + " is not valid when ip_version is 4.");
      if (!(v instanceof String s) || !IPV6_MODES.contains(s)) {
        throw Neutron.badRequest("Invalid input for " + mode + ". Reason: '" + v + "' is not in " + IPV6_MODES + ".");
      }
      out.put(mode, s);
    }
    return out;
  }

  private static JsonArray dns(Object raw) {
    if (raw == null) return new JsonArray();
    if (!(raw instanceof JsonArray list)) throw Neutron.badRequest("Invalid input for dns_nameservers: not a list.");
    if (list.size() > MAX_DNS) {
      throw new ApiException(400, "DNSNameServersExhausted", "Unable to complete operation for the subnet. The number"
          + " of DNS nameservers exceeds the limit " + MAX_DNS + ".");
    }
    JsonArray out = new JsonArray();
    Set<String> seen = new HashSet<>();
    for (Object o : list) {
      Ip ip = o instanceof String s ? Ip.parseOrNull(s) : null;
      if (ip == null) throw Neutron.badRequest("Invalid input for dns_nameservers. Reason: '" + o
          + "' is not a valid nameserver.");
      if (!seen.add(ip.toString())) throw Neutron.badRequest("Invalid input for dns_nameservers. Reason: Duplicate"
          + " nameserver '" + o + "'.");
      out.add(ip.toString());
    }
    return out;
  }

  private static JsonArray routes(Object raw, int ipVersion) {
    if (raw == null) return new JsonArray();
    if (!(raw instanceof JsonArray list)) throw Neutron.badRequest("Invalid input for host_routes: not a list.");
    if (list.size() > MAX_ROUTES) {
      throw new ApiException(400, "HostRoutesExhausted", "Unable to complete operation for the subnet. The number of"
          + " host routes exceeds the limit " + MAX_ROUTES + ".");
    }
    JsonArray out = new JsonArray();
    for (Object o : list) {
      if (!(o instanceof JsonObject route)) throw Neutron.badRequest("Invalid input for host_routes: not a route.");
      Cidr dest = route.getValue("destination") instanceof String d ? Cidr.parseOrNull(d, true) : null;
      Ip hop = route.getValue("nexthop") instanceof String h ? Ip.parseOrNull(h) : null;
      if (dest == null || hop == null || dest.version() != ipVersion || hop.version() != ipVersion) {
        throw Neutron.badRequest("Invalid input for host_routes. Reason: " + route.encode()
            + " needs a 'destination' CIDR and a 'nexthop' address of the subnet's IP version.");
      }
      out.add(new JsonObject().put("destination", dest.toString()).put("nexthop", hop.toString()));
    }
    return out;
  }
}
