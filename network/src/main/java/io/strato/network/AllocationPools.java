package io.strato.network;

import io.strato.common.http.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * A subnet's allocation pools: the ranges its ports' addresses are drawn from. Defaults and validation follow
 * Neutron ({@code neutron/ipam/utils.py}): by default the whole prefix except its first address (IPv4 network /
 * IPv6 subnet-router anycast), the IPv4 broadcast address and the gateway; explicit pools must lie inside those
 * bounds, must not overlap and must not hold the gateway.
 */
record AllocationPools(List<Range> ranges) {

  /** One inclusive range of addresses. */
  record Range(Ip start, Ip end) {
    Range {
      if (start.version() != end.version() || start.compareTo(end) > 0) throw new IllegalArgumentException("bad range");
    }

    BigInteger size() {
      return end.value().subtract(start.value()).add(BigInteger.ONE);
    }

    boolean contains(Ip ip) {
      return ip.version() == start.version() && ip.compareTo(start) >= 0 && ip.compareTo(end) <= 0;
    }

    JsonObject toJson() {
      return new JsonObject().put("start", start.toString()).put("end", end.toString());
    }
  }

  AllocationPools {
    ranges = List.copyOf(ranges);
  }

  /** Neutron's {@code generate_pools}: the usable part of the prefix, split around the gateway. */
  static AllocationPools defaults(Cidr cidr, Ip gateway) {
    Ip first = cidr.first();
    Ip last = cidr.last();
    if (first.equals(last)) return new AllocationPools(List.of(new Range(first, last)));
    Ip lo = first.plus(1);
    Ip hi = cidr.version() == 4 ? last.plus(-1) : last;
    if (lo.compareTo(hi) >= 0) return new AllocationPools(List.of());
    List<Range> out = new ArrayList<>();
    if (gateway != null && gateway.compareTo(lo) >= 0 && gateway.compareTo(hi) <= 0) {
      if (gateway.compareTo(lo) > 0) out.add(new Range(lo, gateway.plus(-1)));
      if (gateway.compareTo(hi) < 0) out.add(new Range(gateway.plus(1), hi));
    } else {
      out.add(new Range(lo, hi));
    }
    return new AllocationPools(out);
  }

  /** Pools a client asked for ({@code [{"start","end"}]}), checked against the subnet and its gateway. */
  static AllocationPools parse(Object json, Cidr cidr, Ip gateway) {
    if (!(json instanceof JsonArray list)) {
      throw new ApiException(400, "BadRequest", "Invalid input for allocation_pools: it must be a list of"
          + " {\"start\", \"end\"} objects.");
    }
    List<Range> ranges = new ArrayList<>();
    for (Object o : list) {
      if (!(o instanceof JsonObject pool) || !(pool.getValue("start") instanceof String s)
          || !(pool.getValue("end") instanceof String e)) {
        throw new ApiException(400, "BadRequest", "Invalid input for allocation_pools: each pool needs 'start' and"
            + " 'end' addresses.");
      }
      Ip start = Ip.parseOrNull(s);
      Ip end = Ip.parseOrNull(e);
      if (start == null || end == null || start.version() != cidr.version() || end.version() != cidr.version()
          || start.compareTo(end) > 0) {
        throw new ApiException(400, "InvalidAllocationPool", "The allocation pool " + s + "-" + e
            + " spanning subnet " + cidr + " is not valid.");
      }
      Range r = new Range(start, end);
      Range bounds = bounds(cidr);
      if (bounds == null || !bounds.contains(start) || !bounds.contains(end)) {
        throw new ApiException(400, "OutOfBoundsAllocationPool", "The allocation pool " + s + "-" + e
            + " spans beyond the subnet cidr " + cidr + ".");
      }
      ranges.add(r);
    }
    ranges.sort(Comparator.comparing(Range::start));
    for (int i = 1; i < ranges.size(); i++) {
      if (ranges.get(i).start().compareTo(ranges.get(i - 1).end()) <= 0) {
        throw new ApiException(409, "OverlappingAllocationPools", "Found overlapping allocation pools: "
            + ranges.get(i - 1).toJson().encode() + " and " + ranges.get(i).toJson().encode() + " for subnet "
            + cidr + ".");
      }
    }
    AllocationPools pools = new AllocationPools(ranges);
    if (gateway != null && pools.contains(gateway)) {
      throw new ApiException(409, "GatewayConflictWithAllocationPools", "Gateway ip " + gateway
          + " conflicts with allocation pool " + pools.rangeOf(gateway).toJson().encode() + ".");
    }
    return pools;
  }

  /** Reads pools stored as JSON by {@link #toJson()}. */
  static AllocationPools fromJson(JsonArray json) {
    List<Range> ranges = new ArrayList<>();
    for (Object o : json) {
      JsonObject pool = (JsonObject) o;
      ranges.add(new Range(Ip.parseOrNull(pool.getString("start")), Ip.parseOrNull(pool.getString("end"))));
    }
    return new AllocationPools(ranges);
  }

  /** Where pools may lie: the prefix minus its first address (and the IPv4 broadcast). */
  private static Range bounds(Cidr cidr) {
    if (cidr.first().equals(cidr.last())) return new Range(cidr.first(), cidr.last());
    Ip lo = cidr.first().plus(1);
    Ip hi = cidr.version() == 4 ? cidr.last().plus(-1) : cidr.last();
    return lo.compareTo(hi) > 0 ? null : new Range(lo, hi);
  }

  BigInteger size() {
    return ranges.stream().map(Range::size).reduce(BigInteger.ZERO, BigInteger::add);
  }

  boolean contains(Ip ip) {
    return rangeOf(ip) != null;
  }

  private Range rangeOf(Ip ip) {
    return ranges.stream().filter(r -> r.contains(ip)).findFirst().orElse(null);
  }

  /** A uniformly random address of the pools (null when they are empty). */
  Ip random(Random random) {
    BigInteger total = size();
    if (total.signum() == 0) return null;
    BigInteger offset = new BigInteger(total.bitLength() + 16, random).mod(total);
    for (Range r : ranges) {
      if (offset.compareTo(r.size()) < 0) return r.start().plus(offset);
      offset = offset.subtract(r.size());
    }
    throw new IllegalStateException("unreachable");
  }

  JsonArray toJson() {
    JsonArray out = new JsonArray();
    ranges.forEach(r -> out.add(r.toJson()));
    return out;
  }
}
