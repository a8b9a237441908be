package io.strato.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.agent.clients.NetworkClient;
import io.strato.agent.clients.ServiceSession;
import io.strato.agent.net.LinuxNames;
import io.strato.agent.net.NetworkPlumber;
import io.strato.agent.net.PlumbedPort;
import io.strato.agent.net.Plumbing;
import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Linux-bridge plumbing carries packets on this machine: two networks made through the network API, a port on
 * each, plumbed by the agent's {@code linuxbridge} plumbing. A "guest" is a namespace of the test's own whose veth
 * carries the port's MAC and sits on the port's bridge (the stand-in for a VM's tap); it asks for an address with
 * busybox's {@code udhcpc}. All traffic stays on the bridges and in the namespaces made here (issue 14's rule), and
 * every command is bounded in time.
 */
@ExtendWith(SharedInfrastructure.class)
class LinuxBridgeDhcpTest {
  /** Both networks use the same CIDR, so only the bridges (not routing) keep their guests apart. */
  private static final String CIDR = "10.77.0.0/24";
  private final List<String> namespaces = new ArrayList<>();
  private final List<String> links = new ArrayList<>();

  @BeforeAll
  static void rootWithNamespaces() {
    String why = !HostShell.run(5, "id", "-u").output().strip().equals("0") ? "the tests do not run as root"
        : !HostShell.run(5, "ip", "netns", "list").ok() ? "`ip netns` is not available" : null;
    Assumptions.assumeTrue(why == null, () -> "skipped: Linux-bridge plumbing needs root and network namespaces ("
        + why + ")");
  }

  @Test
  @DisplayName("each port's guest gets exactly its fixed IP by DHCP, guests of two networks cannot reach each other,"
      + " an unknown MAC gets no lease, and unplugging leaves no bridge, namespace or dnsmasq")
  void dhcpAndIsolation() throws Exception {
    AgentTestCloud cloud = AgentTestCloud.get();
    TestIdentity identity = cloud.identity;
    int networkPort = identity.settings.getInt("network.port");
    var member = identity.newProject("netplane");
    String host = "netplane-" + UUID.randomUUID().toString().substring(0, 6);
    NetworkClient client = new NetworkClient(new ServiceSession(identity.vertx, cloud.settings));
    NetworkPlumber plumber = Plumbing.from(identity.vertx, cloud.settings.with(Map.of(NetworkPlumber.SETTING,
        "linuxbridge")), client, host, Files.createTempDirectory("netplane-agent"), 0);

    String net1 = network(identity, networkPort, member);
    String net2 = network(identity, networkPort, member);
    PlumbedPort a = PlumbedPort.of(port(identity, networkPort, member, net1, "10.77.0.10"));
    PlumbedPort b = PlumbedPort.of(port(identity, networkPort, member, net2, "10.77.0.20"));
    try {
      for (PlumbedPort p : List.of(a, b)) {
        TestIdentity.await(plumber.plug(member.projectId(), p));
        TestIdentity.await(plumber.wire(p));
        assertThat(HostShell.run(5, "ip", "-o", "link", "show", "master", LinuxNames.bridge(p.networkId())).output())
            .as("the port's tap is on its network's bridge").contains(LinuxNames.tap(p.id()));
      }
      String guestA = guest(a.mac(), LinuxNames.bridge(net1));
      String guestB = guest(b.mac(), LinuxNames.bridge(net2));
      String stranger = guest("02:00:00:77:00:99", LinuxNames.bridge(net1));

      assertThat(lease(guestA)).as("guest of port A").isEqualTo("10.77.0.10");
      assertThat(lease(guestB)).as("guest of port B").isEqualTo("10.77.0.20");
      assertThat(lease(stranger)).as("a MAC no port has gets no lease").isNull();

      HostShell.run(5, "ip", "-n", guestA, "addr", "add", "10.77.0.10/24", "dev", "g");
      HostShell.run(5, "ip", "-n", guestB, "addr", "add", "10.77.0.20/24", "dev", "g");
      String dhcpA = dhcpAddress(identity, networkPort, member, net1);
      assertThat(ping(guestA, dhcpA).ok()).as("guest A reaches its network's DHCP server " + dhcpA).isTrue();
      HostShell.Result aToB = ping(guestA, "10.77.0.20");
      assertThat(aToB.ok()).as(() -> "guest A reaches guest B on another network: " + aToB.output()
          + diagnostics(guestA, net1, net2)).isFalse();
      HostShell.Result bToA = ping(guestB, "10.77.0.10");
      assertThat(bToA.ok()).as(() -> "guest B reaches guest A on another network: " + bToA.output()
          + diagnostics(guestB, net1, net2)).isFalse();
    } finally {
      removeGuests(); // as a VM's tap goes with the VM, before its port is unplugged
      TestIdentity.await(plumber.unplug(member.projectId(), a));
      TestIdentity.await(plumber.unplug(member.projectId(), b));
    }
    for (String net : List.of(net1, net2)) {
      assertThat(HostShell.run(5, "ip", "link", "show", "dev", LinuxNames.bridge(net)).ok()).as("bridge left")
          .isFalse();
      assertThat(HostShell.run(5, "ip", "netns", "list").output()).as("DHCP namespace left")
          .doesNotContain(LinuxNames.dhcpNamespace(net));
      assertThat(HostShell.run(5, "pgrep", "-f", "dnsmasq.*" + net).ok()).as("dnsmasq left").isFalse();
      assertThat(dhcpAddress(identity, networkPort, member, net)).as("DHCP port left").isNull();
    }
    assertThat(HostShell.run(5, "ip", "link", "show", "dev", LinuxNames.tap(a.id())).ok()).as("tap left").isFalse();
  }

  @Test
  @DisplayName("a server built by an agent with linuxbridge plumbing has its tap on its network's bridge and its fixed"
      + " IP from the network's DHCP server; deleting the server removes the bridge, namespace, dnsmasq and DHCP port")
  void agentPlumbsAndUnplugs() throws Exception {
    AgentTestCloud cloud = AgentTestCloud.get();
    TestIdentity identity = cloud.identity;
    int networkPort = identity.settings.getInt("network.port");
    String host = "netplane-" + UUID.randomUUID().toString().substring(0, 6);
    Path state = Files.createTempDirectory("netplane-agent");
    cloud.startAgent(host, state, Map.of(NetworkPlumber.SETTING, "linuxbridge"));
    String image = cloud.image("netplane-img", "raw", new byte[4096], new JsonObject());
    var member = identity.newProject("netplane");
    String net = network(identity, networkPort, member);
    var s = cloud.boot(host, "plumbed", "1", image, image, Map.of("disk_format", "raw"), 1, new JsonObject()
        .put("networks", new JsonArray().add(new JsonObject().put("uuid", net))), member);
    JsonObject server = cloud.await(s, j -> j != null && !"BUILD".equals(j.getString("status")), 60_000);
    assertThat(server.getString("status")).as(String.valueOf(server.getValue("fault"))).isEqualTo("ACTIVE");
    JsonObject port = identity.call(HttpMethod.GET, networkPort, "/v2.0/ports?device_id=" + s.id(), member.token(),
        null, Map.of()).bodyAsJsonObject().getJsonArray("ports").getJsonObject(0);
    PlumbedPort p = PlumbedPort.of(port);

    assertThat(HostShell.run(5, "ip", "-o", "link", "show", "master", LinuxNames.bridge(net)).output())
        .as("the server's tap is on its network's bridge").contains(LinuxNames.tap(p.id()));
    String guest = guest(p.mac(), LinuxNames.bridge(net));
    assertThat(lease(guest)).as("a guest with the port's MAC").isEqualTo(p.fixedIps().get(0).ip());

    removeGuests();
    cloud.delete(s);
    cloud.await(s, j -> j == null || "DELETED".equals(j.getString("status")), 60_000);
    assertThat(HostShell.run(5, "ip", "link", "show", "dev", LinuxNames.bridge(net)).ok()).as("bridge left")
        .isFalse();
    assertThat(HostShell.run(5, "ip", "link", "show", "dev", LinuxNames.tap(p.id())).ok()).as("tap left").isFalse();
    assertThat(HostShell.run(5, "ip", "netns", "list").output()).as("DHCP namespace left")
        .doesNotContain(LinuxNames.dhcpNamespace(net));
    assertThat(HostShell.run(5, "pgrep", "-f", "dnsmasq.*" + net).ok()).as("dnsmasq left").isFalse();
    assertThat(dhcpAddress(identity, networkPort, member, net)).as("DHCP port left").isNull();
  }

  @Test
  @DisplayName("a guest on a linuxbridge network gets its own instance's metadata from 169.254.169.254 (routed by"
      + " DHCP through the DHCP port) and never another's, an address no port holds is refused, the metadata API"
      + " refuses an unsigned request, and deleting the servers stops the proxy")
  void metadataFromTheGuestsNetwork() throws Exception {
    AgentTestCloud cloud = AgentTestCloud.get();
    TestIdentity identity = cloud.identity;
    int networkPort = identity.settings.getInt("network.port");
    String host = "netplane-" + UUID.randomUUID().toString().substring(0, 6);
    cloud.startAgent(host, Files.createTempDirectory("netplane-agent"), Map.of(NetworkPlumber.SETTING,
        "linuxbridge"));
    String image = cloud.image("metadata-img", "raw", new byte[4096], new JsonObject());
    var member = identity.newProject("netplane");
    String net = network(identity, networkPort, member);
    JsonObject build = new JsonObject().put("networks", new JsonArray().add(new JsonObject().put("uuid", net)));
    var s1 = cloud.boot(host, "meta-one", "1", image, image, Map.of("disk_format", "raw"), 1, build, member);
    var s2 = cloud.boot(host, "meta-two", "1", image, image, Map.of("disk_format", "raw"), 1, build, member);
    for (var s : List.of(s1, s2)) {
      JsonObject server = cloud.await(s, j -> j != null && !"BUILD".equals(j.getString("status")), 60_000);
      assertThat(server.getString("status")).as(String.valueOf(server.getValue("fault"))).isEqualTo("ACTIVE");
    }
    Path script = udhcpcScript();
    for (var s : List.of(s1, s2)) {
      PlumbedPort p = PlumbedPort.of(identity.call(HttpMethod.GET, networkPort, "/v2.0/ports?device_id=" + s.id(),
          member.token(), null, Map.of()).bodyAsJsonObject().getJsonArray("ports").getJsonObject(0));
      String guest = guest(p.mac(), LinuxNames.bridge(net));
      HostShell.Result dhcp = HostShell.run(20, "ip", "netns", "exec", guest, "udhcpc", "-i", "g", "-n", "-q", "-f",
          "-t", "3", "-T", "2", "-O", "staticroutes", "-s", script.toString());
      assertThat(dhcp.output()).as("the lease").contains("lease of " + p.fixedIps().get(0).ip() + " obtained");
      // A guest that names another instance itself still gets its own: the proxy replaces the header.
      HostShell.Result meta = HostShell.run(20, "ip", "netns", "exec", guest, "curl", "-s", "-m", "5", "--retry",
          "2", "-H", "X-Instance-ID: " + (s == s1 ? s2.id() : s1.id()),
          "http://169.254.169.254/openstack/latest/meta_data.json");
      assertThat(meta.output()).as(() -> "the guest's metadata; routes: " + HostShell.run(5, "ip", "-n", guest,
          "route").output()).contains("\"uuid\":\"" + s.id() + "\"");
      assertThat(HostShell.run(20, "ip", "netns", "exec", guest, "curl", "-s", "-m", "5",
          "http://169.254.169.254/latest/meta-data/instance-id").output()).isEqualTo(s.id());
    }
    String stranger = guest("02:00:00:77:00:98", LinuxNames.bridge(net));
    HostShell.check(5, "ip", "-n", stranger, "addr", "add", "10.77.0.99/24", "dev", "g");
    String dhcpAddress = dhcpAddress(identity, networkPort, member, net);
    HostShell.check(5, "ip", "-n", stranger, "route", "add", "169.254.169.254/32", "via", dhcpAddress);
    assertThat(HostShell.run(20, "ip", "netns", "exec", stranger, "curl", "-s", "-o", "/dev/null", "-w",
        "%{http_code}", "-m", "5", "http://169.254.169.254/openstack/latest/meta_data.json").output())
        .as("an address no port holds").isEqualTo("403");
    int metadataPort = identity.settings.getInt("metadata.port");
    var unsigned = identity.call(HttpMethod.GET, metadataPort, "/openstack/latest/meta_data.json", null, null,
        Map.of("X-Instance-ID", s1.id()));
    assertThat(unsigned.statusCode()).as("an unsigned request to the metadata API").isEqualTo(403);

    removeGuests();
    for (var s : List.of(s1, s2)) cloud.delete(s);
    for (var s : List.of(s1, s2)) cloud.await(s, j -> j == null || "DELETED".equals(j.getString("status")), 60_000);
    assertThat(HostShell.run(5, "pgrep", "-f", "haproxy.*" + net).ok()).as("metadata proxy left").isFalse();
    assertThat(HostShell.run(5, "ip", "netns", "list").output()).as("DHCP namespace left")
        .doesNotContain(LinuxNames.dhcpNamespace(net));
  }

  /** A udhcpc script that does what the demo guest's does: the address, then the routes of option 121. */
  private static Path udhcpcScript() throws java.io.IOException {
    Path script = Files.createTempFile("udhcpc", ".sh");
    Files.writeString(script, """
        #!/bin/sh
        [ "$1" = bound ] || exit 0
        ip addr add "$ip/$mask" dev "$interface"
        set -- $staticroutes
        while [ $# -ge 2 ]; do ip route replace "$1" via "$2" dev "$interface"; shift 2; done
        """);
    script.toFile().setExecutable(true);
    script.toFile().deleteOnExit();
    return script;
  }

  @AfterEach
  void removeGuests() {
    namespaces.forEach(ns -> HostShell.run(5, "ip", "netns", "delete", ns));
    links.forEach(l -> HostShell.run(5, "ip", "link", "del", "dev", l));
    namespaces.clear();
    links.clear();
  }

  /**
   * A network with a subnet of {@link #CIDR} whose pool (.100-.200) holds neither guest's address: the DHCP ports
   * take theirs from the pool, so no DHCP server on one network has the address of the other network's guest.
   */
  private static String network(TestIdentity identity, int networkPort, TestIdentity.Member m) {
    String net = identity.call(HttpMethod.POST, networkPort, "/v2.0/networks", m.token(), new JsonObject()
        .put("network", new JsonObject().put("name", "netplane")), Map.of()).bodyAsJsonObject()
        .getJsonObject("network").getString("id");
    var subnet = identity.call(HttpMethod.POST, networkPort, "/v2.0/subnets", m.token(), new JsonObject()
        .put("subnet", new JsonObject().put("network_id", net).put("ip_version", 4).put("cidr", CIDR)
            .put("allocation_pools", new JsonArray().add(new JsonObject().put("start", "10.77.0.100")
                .put("end", "10.77.0.200")))), Map.of());
    assertThat(subnet.statusCode()).as(subnet.bodyAsString()).isEqualTo(201);
    return net;
  }

  private static JsonObject port(TestIdentity identity, int networkPort, TestIdentity.Member m, String net,
      String ip) {
    var resp = identity.call(HttpMethod.POST, networkPort, "/v2.0/ports", m.token(), new JsonObject().put("port",
        new JsonObject().put("network_id", net).put("fixed_ips", new JsonArray().add(new JsonObject()
            .put("ip_address", ip)))), Map.of());
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(201);
    return resp.bodyAsJsonObject().getJsonObject("port");
  }

  /** The address of the network's DHCP port (Neutron's {@code network:dhcp}), or null when there is none. */
  private static String dhcpAddress(TestIdentity identity, int networkPort, TestIdentity.Member m, String net) {
    JsonArray ports = identity.call(HttpMethod.GET, networkPort, "/v2.0/ports?network_id=" + net
        + "&device_owner=network:dhcp", m.token(), null, Map.of()).bodyAsJsonObject().getJsonArray("ports");
    return ports.isEmpty() ? null : ports.getJsonObject(0).getJsonArray("fixed_ips").getJsonObject(0)
        .getString("ip_address");
  }

  /** A namespace whose interface {@code g} has {@code mac} and whose veth's other end is on {@code bridge}. */
  private String guest(String mac, String bridge) {
    String id = UUID.randomUUID().toString().substring(0, 6);
    String ns = "npguest-" + id;
    String outside = "npg" + id;
    namespaces.add(ns);
    links.add(outside);
    HostShell.check(5, "ip", "netns", "add", ns);
    HostShell.check(5, "ip", "link", "add", outside, "type", "veth", "peer", "name", "g", "netns", ns);
    HostShell.check(5, "ip", "-n", ns, "link", "set", "dev", "g", "address", mac, "up");
    HostShell.check(5, "ip", "link", "set", "dev", outside, "master", bridge, "up");
    return ns;
  }

  /** The address a DHCP client in the namespace is offered and acknowledged (3 tries of 2 s), or null. */
  private static String lease(String ns) {
    HostShell.Result r = HostShell.run(20, "ip", "netns", "exec", ns, "udhcpc", "-i", "g", "-n", "-q", "-f", "-t",
        "3", "-T", "2", "-s", "/bin/true");
    var m = Pattern.compile("lease of (\\S+) obtained").matcher(r.output());
    return m.find() ? m.group(1) : null;
  }

  private static HostShell.Result ping(String ns, String ip) {
    return HostShell.run(10, "ip", "netns", "exec", ns, "busybox", "ping", "-c", "2", "-W", "2", ip);
  }

  /** What the bridges and namespaces hold, for a failure's message. */
  private static String diagnostics(String guest, String net1, String net2) {
    return "\n" + HostShell.run(5, "ip", "-n", guest, "neigh").output() + HostShell.run(5, "ip", "-n", guest, "addr")
        .output() + HostShell.run(5, "bridge", "link").output() + HostShell.run(5, "ip", "-n",
        LinuxNames.dhcpNamespace(net1), "addr").output() + HostShell.run(5, "ip", "-n",
        LinuxNames.dhcpNamespace(net2), "addr").output();
  }
}
