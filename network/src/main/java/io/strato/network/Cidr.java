package io.strato.network;

import java.math.BigInteger;

/** A network prefix ({@code 10.0.0.0/22}, {@code fd00::/64}): its first and last address and what it holds. */
record Cidr(Ip network, int prefix) {

  Cidr {
    int bits = Ip.bits(network.version());
    if (prefix < 0 || prefix > bits) throw new IllegalArgumentException("prefix length out of range");
  }

  /**
   * {@code text} as a prefix. With {@code strict}, host bits must be zero (Neutron refuses {@code 10.0.0.1/24} for a
   * subnet); otherwise they are cleared (security group rules normalise {@code 10.0.0.1/24} to {@code 10.0.0.0/24})
   * and a bare address means a single host. Answers {@code null} when the text is not a prefix.
   */
  static Cidr parseOrNull(String text, boolean strict) {
    if (text == null) return null;
    int slash = text.indexOf('/');
    Ip ip = Ip.parseOrNull(slash < 0 ? text : text.substring(0, slash));
    if (ip == null) return null;
    int bits = Ip.bits(ip.version());
    int prefix;
    if (slash < 0) {
      if (strict) return null;
      prefix = bits;
    } else {
      String p = text.substring(slash + 1);
      if (!p.matches("\\d{1,3}")) return null;
      prefix = Integer.parseInt(p);
      if (prefix > bits) return null;
    }
    BigInteger hostMask = BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE);
    if (strict && ip.value().and(hostMask).signum() != 0) return null;
    return new Cidr(new Ip(ip.version(), ip.value().andNot(hostMask)), prefix);
  }

  int version() {
    return network.version();
  }

  /** How many addresses the prefix spans (2^(bits - prefix)). */
  BigInteger size() {
    return BigInteger.ONE.shiftLeft(Ip.bits(version()) - prefix);
  }

  Ip first() {
    return network;
  }

  Ip last() {
    return network.plus(size().subtract(BigInteger.ONE));
  }

  boolean contains(Ip ip) {
    return ip.version() == version() && ip.compareTo(first()) >= 0 && ip.compareTo(last()) <= 0;
  }

  /** The IPv4 network and broadcast addresses, which no port may have; IPv6 has none. */
  boolean reserved(Ip ip) {
    return version() == 4 && prefix < 31 && (ip.equals(first()) || ip.equals(last()));
  }

  @Override
  public String toString() {
    return network + "/" + prefix;
  }
}
