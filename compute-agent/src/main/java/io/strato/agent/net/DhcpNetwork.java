package io.strato.agent.net;

import java.util.List;

/**
 * What a network's DHCP server on this host is made of: the network's bridge, its DHCP port (a port of the network
 * service, as Neutron's {@code network:dhcp} port: its MAC and address go on the namespace's side of the veth) and
 * the IPv4 subnets with DHCP enabled.
 */
record DhcpNetwork(String networkId, String bridge, Port port, List<Subnet> subnets) {
  /** The DHCP port: its id, MAC and address with the subnet's prefix length ({@code 10.0.0.2/24}). */
  record Port(String id, String mac, String address) {}

  /**
   * An IPv4 subnet: its CIDR, gateway (null for none: then no router is offered) and the DHCP port's address on it
   * (null for none), through which guests reach the metadata proxy.
   */
  record Subnet(String cidr, String gateway, String dhcpAddress) {
    /** The netmask of the CIDR ({@code 255.255.252.0} for a /22). */
    String netmask() {
      int bits = prefixLength();
      long mask = bits == 0 ? 0 : (0xffffffffL << (32 - bits)) & 0xffffffffL;
      return (mask >> 24) + "." + ((mask >> 16) & 255) + "." + ((mask >> 8) & 255) + "." + (mask & 255);
    }

    String networkAddress() {
      return cidr.substring(0, cidr.indexOf('/'));
    }

    int prefixLength() {
      return Integer.parseInt(cidr.substring(cidr.indexOf('/') + 1));
    }
  }

  DhcpNetwork {
    subnets = List.copyOf(subnets);
  }
}
