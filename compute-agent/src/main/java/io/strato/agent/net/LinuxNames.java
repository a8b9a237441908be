package io.strato.agent.net;

/**
 * The host's names for a network's and a port's devices, as Neutron's Linux-bridge and DHCP agents name them:
 * a prefix and the first 11 characters of the id, within Linux's 15-character interface names.
 */
public final class LinuxNames {
  private static final int ID_CHARS = 11;

  private LinuxNames() {}

  /** The network's bridge: {@code brq} + network id prefix. */
  public static String bridge(String networkId) {
    return "brq" + prefix(networkId);
  }

  /** A port's tap on its network's bridge (a guest's NIC, or the host side of a DHCP port's veth). */
  public static String tap(String portId) {
    return "tap" + prefix(portId);
  }

  /** The DHCP port's side of its veth, inside the network's DHCP namespace. */
  public static String dhcpInside(String portId) {
    return "ns-" + prefix(portId);
  }

  /** The namespace of a network's DHCP server. */
  public static String dhcpNamespace(String networkId) {
    return "qdhcp-" + networkId;
  }

  private static String prefix(String id) {
    if (!id.matches("[0-9a-fA-F-]{" + ID_CHARS + ",64}")) throw new IllegalArgumentException("not an id: " + id);
    return id.substring(0, ID_CHARS);
  }
}
