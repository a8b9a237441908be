package io.strato.network;

import io.strato.common.http.ApiException;
import io.strato.common.http.Fields;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;

/**
 * Validates a security group rule as Neutron does: direction {@code ingress|egress}; ethertype {@code IPv4|IPv6};
 * protocol a known name, a number 0-255, or none (any); ports only with a protocol that has them, 1-65535 and
 * min &lt;= max (for ICMP they are type and code, 0-255, and a code needs a type); a remote CIDR of the rule's
 * ethertype (host bits cleared) or a remote group, not both.
 */
final class RuleFields {
  static final Set<String> CREATE = Set.of("security_group_id", "direction", "ethertype", "protocol",
      "port_range_min", "port_range_max", "remote_ip_prefix", "remote_group_id", "remote_address_group_id",
      "description", "project_id", "tenant_id");
  /** Neutron's protocol names and their IANA numbers. */
  static final Map<String, Integer> PROTOCOLS = Map.ofEntries(Map.entry("ah", 51), Map.entry("dccp", 33),
      Map.entry("egp", 8), Map.entry("esp", 50), Map.entry("gre", 47), Map.entry("hopopt", 0), Map.entry("icmp", 1),
      Map.entry("igmp", 2), Map.entry("ipip", 4), Map.entry("ipv6-encap", 41), Map.entry("ipv6-frag", 44),
      Map.entry("ipv6-icmp", 58), Map.entry("icmpv6", 58), Map.entry("ipv6-nonxt", 59), Map.entry("ipv6-opts", 60),
      Map.entry("ipv6-route", 43), Map.entry("ospf", 89), Map.entry("pgm", 113), Map.entry("rsvp", 46),
      Map.entry("sctp", 132), Map.entry("tcp", 6), Map.entry("udp", 17), Map.entry("udplite", 136),
      Map.entry("vrrp", 112));
  private static final Set<Integer> WITH_PORTS = Set.of(6, 17, 33, 132, 136);
  private static final Set<Integer> ICMP = Set.of(1, 58);

  private RuleFields() {}

  /** The normalised rule: direction, ethertype, protocol (or null), ports, remote_ip_prefix, description. */
  static JsonObject validate(JsonObject body) {
    JsonObject out = new JsonObject();
    String direction = Fields.requiredString(body, "direction", 16);
    if (!direction.equals("ingress") && !direction.equals("egress")) {
      throw Neutron.badRequest("Invalid input for direction. Reason: '" + direction
          + "' is not in ['ingress', 'egress'].");
    }
    out.put("direction", direction);
    String ethertype = body.getValue("ethertype") == null ? "IPv4" : Fields.optionalString(body, "ethertype", 8);
    if (ethertype.equalsIgnoreCase("ipv4")) ethertype = "IPv4";
    if (ethertype.equalsIgnoreCase("ipv6")) ethertype = "IPv6";
    if (!ethertype.equals("IPv4") && !ethertype.equals("IPv6")) {
      throw Neutron.badRequest("Invalid input for ethertype. Reason: '" + ethertype + "' is not in ['IPv4', 'IPv6'].");
    }
    out.put("ethertype", ethertype);
    String protocol = protocol(body.getValue("protocol"));
    out.put("protocol", protocol);
    ports(body, protocol, out);
    Object prefix = body.getValue("remote_ip_prefix");
    if (prefix != null) {
      Cidr cidr = prefix instanceof String s ? Cidr.parseOrNull(s, false) : null;
      if (cidr == null) throw Neutron.badRequest("Invalid input for remote_ip_prefix. Reason: '" + prefix
          + "' is not a valid IP subnet.");
      if (cidr.version() != (ethertype.equals("IPv4") ? 4 : 6)) {
        throw new ApiException(400, "SecurityGroupRuleParameterConflict", "Conflicting value ethertype " + ethertype
            + " for CIDR " + prefix);
      }
      out.put("remote_ip_prefix", cidr.toString());
    }
    if (body.getValue("remote_address_group_id") != null) {
      throw Neutron.badRequest("Remote address groups are not supported.");
    }
    String description = Fields.optionalString(body, "description", 255);
    out.put("description", description == null ? "" : description);
    return out;
  }

  /** A protocol name (lower case) or number as Neutron stores it; null or "any" mean every protocol. */
  private static String protocol(Object raw) {
    if (raw == null) return null;
    String p = raw instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) ? String.valueOf(n.longValue())
        : raw instanceof String s ? s.toLowerCase() : null;
    if (p == null || p.isEmpty()) throw invalidProtocol(raw);
    if (p.equals("any")) return null;
    if (PROTOCOLS.containsKey(p)) return p;
    if (p.matches("\\d{1,3}") && Integer.parseInt(p) <= 255) return String.valueOf(Integer.parseInt(p));
    throw invalidProtocol(raw);
  }

  static Integer number(String protocol) {
    if (protocol == null) return null;
    Integer known = PROTOCOLS.get(protocol);
    return known != null ? known : Integer.valueOf(protocol);
  }

  private static void ports(JsonObject body, String protocol, JsonObject out) {
    Integer min = Fields.optionalInt(body, "port_range_min", Integer.MIN_VALUE, Integer.MAX_VALUE);
    Integer max = Fields.optionalInt(body, "port_range_max", Integer.MIN_VALUE, Integer.MAX_VALUE);
    if (min == null && max == null) return;
    Integer number = number(protocol);
    if (number == null) {
      throw new ApiException(400, "SecurityGroupProtocolRequiredWithPorts", "Must also specify protocol if port"
          + " range is given.");
    }
    if (ICMP.contains(number)) {
      if (min == null) {
        throw new ApiException(400, "SecurityGroupMissingIcmpType", "ICMP code (port-range-max) " + max
            + " is provided but ICMP type (port-range-min) is missing.");
      }
      for (Integer v : new Integer[] {min, max}) {
        if (v != null && (v < 0 || v > 255)) {
          throw new ApiException(400, "SecurityGroupInvalidIcmpValue", "Invalid value for ICMP "
              + (v.equals(min) ? "type" : "code") + " (port-range-min/max): " + v + ". It must be 0 to 255.");
        }
      }
    } else if (WITH_PORTS.contains(number)) {
      int lo = min == null ? max : min;
      int hi = max == null ? min : max;
      if (lo < 1 || hi > 65535 || lo > hi) {
        throw new ApiException(400, "SecurityGroupInvalidPortRange", "For TCP/UDP protocols, port_range_min must"
            + " be <= port_range_max and both within 1-65535 (got " + min + "-" + max + ").");
      }
      min = lo;
      max = hi;
    } else {
      throw new ApiException(400, "SecurityGroupInvalidProtocolForPortRange", "Invalid protocol " + protocol
          + " for port range, only supported for TCP, UDP, UDPLITE, SCTP and DCCP.");
    }
    out.put("port_range_min", min).put("port_range_max", max);
  }

  private static ApiException invalidProtocol(Object raw) {
    return new ApiException(400, "SecurityGroupRuleInvalidProtocol", "Security group rule protocol " + raw
        + " not supported. Only protocol values " + new java.util.TreeSet<>(PROTOCOLS.keySet())
        + " and integer representations [0 to 255] are supported.");
  }
}
