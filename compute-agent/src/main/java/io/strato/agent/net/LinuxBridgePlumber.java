package io.strato.agent.net;

import io.strato.agent.clients.NetworkClient;
import io.strato.agent.hypervisor.GuestSpec;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code agent.network.plumbing=linuxbridge}: each network a Linux bridge {@code brq<network>}, each port a tap
 * {@code tap<port>} on it, and per network with an IPv4 DHCP subnet one dnsmasq in namespace
 * {@code qdhcp-<network>}, joined to the bridge by a veth that carries the network's DHCP port, with the network's
 * metadata proxy listening at 169.254.169.254 in the same namespace ({@link MetadataProxy}). Needs root.
 *
 * <p>DHCP follows the ports this host plugs (the agent's port binding drives it, not the network service's events:
 * see docs/networking.md): a port's plug adds its MAC and fixed IP to its network's DHCP server here, its unplug
 * removes them, and the network's last port takes the server, namespace, DHCP port and bridge with it. Operations
 * on one network run one after the other (two builds on one network never race to make its DHCP port).
 */
public final class LinuxBridgePlumber implements NetworkPlumber {
  private static final Logger LOG = LoggerFactory.getLogger(LinuxBridgePlumber.class);
  private final LinuxLinks links;
  private final Dnsmasq dnsmasq;
  /** Null when guests get no metadata (no shared secret configured). */
  private final MetadataProxy metadata;
  private final NetworkClient network;
  private final String host;
  private final Map<String, Future<?>> turns = new HashMap<>();

  LinuxBridgePlumber(LinuxLinks links, Dnsmasq dnsmasq, MetadataProxy metadata, NetworkClient network,
      String host) {
    this.links = links;
    this.dnsmasq = dnsmasq;
    this.metadata = metadata;
    this.network = network;
    this.host = host;
  }

  @Override
  public Future<Void> plug(String projectId, PlumbedPort port) {
    String bridge = LinuxNames.bridge(port.networkId());
    return inTurn(port.networkId(), () -> links.ensureBridge(bridge).compose(v -> serveDhcp(projectId, port)));
  }

  @Override
  public GuestSpec.Nic nic(PlumbedPort port) {
    return GuestSpec.Nic.onBridge(port.mac(), port.id(), LinuxNames.bridge(port.networkId()),
        LinuxNames.tap(port.id()));
  }

  @Override
  public Future<Void> wire(PlumbedPort port) {
    return links.ensureTap(LinuxNames.tap(port.id()), port.tapMac(), LinuxNames.bridge(port.networkId()));
  }

  @Override
  public Future<Void> unplug(String projectId, PlumbedPort port) {
    String net = port.networkId();
    return inTurn(net, () -> links.delete(LinuxNames.tap(port.id()))
        .compose(v -> dnsmasq.hosts(net))
        .compose(hosts -> {
          if (port.mac() != null) hosts.remove(port.mac());
          if (!hosts.isEmpty()) {
            return dnsmasq.writeHosts(net, hosts).compose(x -> dhcpNetwork(projectId, net))
                .compose(d -> d == null ? Future.succeededFuture() : dnsmasq.serve(d))
                .compose(x -> forgetMetadata(net, port.mac()));
          }
          return removeNetwork(projectId, net);
        }));
  }

  /**
   * The network's last DHCP client here is gone: its DHCP server, namespace and port, then its bridge unless a port
   * without a DHCP address (IPv6 only, say) is still on it.
   */
  private Future<Void> removeNetwork(String projectId, String net) {
    String bridge = LinuxNames.bridge(net);
    return (metadata == null ? Future.<Void>succeededFuture() : metadata.stop(net))
        .compose(v -> dnsmasq.stop(net))
        .compose(v -> links.deleteNamespace(LinuxNames.dhcpNamespace(net)))
        .compose(v -> network.deleteDhcpPort(projectId, net, host))
        .compose(v -> links.hasMembers(bridge))
        .compose(used -> {
          if (used) return Future.succeededFuture();
          LOG.info("network {}: no port left on {}; its bridge and DHCP server are removed", net, host);
          return links.delete(bridge);
        });
  }

  /** Adds the port's first IPv4 address on a DHCP subnet to its network's DHCP server, started when needed. */
  private Future<Void> serveDhcp(String projectId, PlumbedPort port) {
    return dhcpNetwork(projectId, port.networkId()).compose(net -> {
      if (net == null) return Future.succeededFuture();
      String ip = port.fixedIps().stream().map(PlumbedPort.FixedIp::ip).filter(a -> !a.contains(":")).findFirst()
          .orElse(null);
      if (ip == null) return Future.succeededFuture();
      String ns = LinuxNames.dhcpNamespace(net.networkId());
      return links.ensureNamespace(ns)
          .compose(v -> links.ensureVeth(LinuxNames.tap(net.port().id()), LinuxNames.dhcpInside(net.port().id()), ns,
              net.port().mac(), net.port().address(), net.bridge()))
          .compose(v -> dnsmasq.hosts(net.networkId()))
          .compose(hosts -> {
            hosts.put(port.mac(), ip);
            return dnsmasq.writeHosts(net.networkId(), hosts);
          })
          .compose(v -> dnsmasq.serve(net))
          .compose(v -> serveMetadata(net.networkId(), port, ip));
    });
  }

  /** The network's metadata proxy here answers for the port's instance at {@code ip}. */
  private Future<Void> serveMetadata(String networkId, PlumbedPort port, String ip) {
    if (metadata == null || port.deviceId() == null || port.deviceId().isBlank()) return Future.succeededFuture();
    return metadata.ports(networkId).compose(ports -> {
      ports.put(port.mac(), new MetadataProxy.Entry(ip, port.deviceId()));
      return metadata.serve(networkId, ports);
    });
  }

  /** The network's metadata proxy here no longer answers for the port with {@code mac}. */
  private Future<Void> forgetMetadata(String networkId, String mac) {
    if (metadata == null) return Future.succeededFuture();
    return metadata.ports(networkId).compose(ports -> ports.remove(mac) == null ? Future.succeededFuture()
        : metadata.serve(networkId, ports));
  }

  /** The network's IPv4 subnets with DHCP and its DHCP port here (made when missing); null when it has none. */
  private Future<DhcpNetwork> dhcpNetwork(String projectId, String networkId) {
    return network.subnets(projectId, networkId).compose(all -> {
      List<JsonObject> dhcp = all.stream().filter(s -> s.getInteger("ip_version", 4) == 4)
          .filter(s -> s.getBoolean("enable_dhcp", true)).toList();
      if (dhcp.isEmpty()) return Future.succeededFuture(null);
      return network.dhcpPort(projectId, networkId, host).map(p -> {
        PlumbedPort dhcpPort = PlumbedPort.of(p);
        // The DHCP port's address on the first DHCP subnet it has one on, with that subnet's prefix length.
        String address = null;
        for (JsonObject s : dhcp) {
          for (PlumbedPort.FixedIp f : dhcpPort.fixedIps()) {
            if (address == null && s.getString("id").equals(f.subnetId())) {
              address = f.ip() + s.getString("cidr").substring(s.getString("cidr").indexOf('/'));
            }
          }
        }
        if (address == null) throw new IllegalStateException("the DHCP port of network " + networkId
            + " has no IPv4 address");
        return new DhcpNetwork(networkId, LinuxNames.bridge(networkId),
            new DhcpNetwork.Port(dhcpPort.id(), dhcpPort.mac(), address),
            dhcp.stream().map(s -> new DhcpNetwork.Subnet(s.getString("cidr"), s.getString("gateway_ip"),
                dhcpPort.fixedIps().stream().filter(f -> s.getString("id").equals(f.subnetId()))
                    .map(PlumbedPort.FixedIp::ip).findFirst().orElse(null))).toList());
      });
    });
  }

  /** Runs {@code work} after every earlier operation on the same network has ended (well or not). */
  private synchronized <T> Future<T> inTurn(String networkId, Supplier<Future<T>> work) {
    Future<?> before = turns.getOrDefault(networkId, Future.succeededFuture());
    Future<T> mine = before.transform(ar -> work.get());
    turns.put(networkId, mine);
    mine.onComplete(ar -> {
      synchronized (this) {
        turns.remove(networkId, mine);
      }
    });
    return mine;
  }
}
