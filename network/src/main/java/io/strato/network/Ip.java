package io.strato.network;

import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 address as an unsigned number, so pool arithmetic (sizes, offsets, ranges) is the same for both
 * versions. Parsing accepts literals only (never a host name, so never a DNS lookup) and refuses IPv6 zone ids.
 */
record Ip(int version, BigInteger value) implements Comparable<Ip> {
  private static final Pattern V4 =
      Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern V6_CHARS = Pattern.compile("[0-9a-fA-F:.]{2,45}");
  static final BigInteger MAX_V4 = BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE);
  static final BigInteger MAX_V6 = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

  Ip {
    if (version != 4 && version != 6) throw new IllegalArgumentException("IP version must be 4 or 6");
    if (value.signum() < 0 || value.compareTo(max(version)) > 0) throw new IllegalArgumentException("out of range");
  }

  static BigInteger max(int version) {
    return version == 4 ? MAX_V4 : MAX_V6;
  }

  static int bits(int version) {
    return version == 4 ? 32 : 128;
  }

  /** The address written in {@code text}, or {@code null} when it is not an IPv4 or IPv6 literal. */
  static Ip parseOrNull(String text) {
    if (text == null) return null;
    if (V4.matcher(text).matches()) {
      long v = 0;
      for (String part : text.split("\\.")) v = (v << 8) | Integer.parseInt(part);
      return new Ip(4, BigInteger.valueOf(v));
    }
    if (!text.contains(":") || !V6_CHARS.matcher(text).matches()) return null;
    return parseV6(text);
  }

  private static Ip parseV6(String text) {
    String head = text;
    String tail = "";
    int gap = text.indexOf("::");
    if (gap >= 0) {
      if (text.indexOf("::", gap + 1) >= 0) return null;
      head = text.substring(0, gap);
      tail = text.substring(gap + 2);
    }
    int[] headGroups = groups(head);
    int[] tailGroups = groups(tail);
    if (headGroups == null || tailGroups == null) return null;
    int total = headGroups.length + tailGroups.length;
    if (gap < 0 ? total != 8 : total > 7) return null;
    BigInteger v = BigInteger.ZERO;
    int[] all = new int[8];
    System.arraycopy(headGroups, 0, all, 0, headGroups.length);
    System.arraycopy(tailGroups, 0, all, 8 - tailGroups.length, tailGroups.length);
    for (int g : all) v = v.shiftLeft(16).or(BigInteger.valueOf(g));
    return new Ip(6, v);
  }

  /** 16-bit groups of one side of "::"; an embedded dotted IPv4 tail counts as two groups. */
  private static int[] groups(String side) {
    if (side.isEmpty()) return new int[0];
    String[] parts = side.split(":", -1);
    int n = parts.length;
    String last = parts[n - 1];
    boolean dotted = last.contains(".");
    int[] out = new int[dotted ? n + 1 : n];
    for (int i = 0; i < n - (dotted ? 1 : 0); i++) {
      if (!parts[i].matches("[0-9a-fA-F]{1,4}")) return null;
      out[i] = Integer.parseInt(parts[i], 16);
    }
    if (dotted) {
      if (!V4.matcher(last).matches()) return null;
      long v4 = parseOrNull(last).value().longValue();
      out[n - 1] = (int) (v4 >>> 16);
      out[n] = (int) (v4 & 0xffff);
    }
    return out;
  }

  Ip plus(BigInteger offset) {
    return new Ip(version, value.add(offset));
  }

  Ip plus(long offset) {
    return plus(BigInteger.valueOf(offset));
  }

  @Override
  public int compareTo(Ip o) {
    int c = Integer.compare(version, o.version);
    return c != 0 ? c : value.compareTo(o.value);
  }

  /** Dotted quad, or RFC 5952 text (lower case, the longest run of two or more zero groups as "::"). */
  @Override
  public String toString() {
    if (version == 4) {
      long v = value.longValue();
      return (v >>> 24) + "." + ((v >>> 16) & 255) + "." + ((v >>> 8) & 255) + "." + (v & 255);
    }
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) g[i] = value.shiftRight(16 * (7 - i)).intValue() & 0xffff;
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && g[j] == 0) j++;
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append(i == 0 ? "::" : ":");
        i += bestLen - 1;
        continue;
      }
      sb.append(Integer.toHexString(g[i]));
      if (i < 7) sb.append(':');
    }
    return sb.toString();
  }
}
