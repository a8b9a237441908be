package io.strato.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Neutron v2.0 API as the openstack client uses it: networks, subnets, ports, addresses, security groups. */
@ExtendWith(SharedInfrastructure.class)
class NetworkApiTest {
  private static final Logger LOG = LoggerFactory.getLogger(NetworkApiTest.class);
  private static TestIdentity identity;
  private static int port;
  private static String admin;

  @BeforeAll
  static void start() {
    identity = TestIdentity.get();
    port = TestNetwork.port();
    admin = identity.adminToken();
  }

  private static HttpResponse<Buffer> call(HttpMethod method, String path, String token, Object body) {
    return identity.call(method, port, path, token, body, Map.of());
  }

  private static JsonObject ok(HttpResponse<Buffer> resp, int status) {
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(status);
    return resp.bodyAsJsonObject();
  }

  /** The reply is a NeutronError of this status and type. */
  private static void fault(HttpResponse<Buffer> resp, int status, String type) {
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(status);
    JsonObject error = resp.bodyAsJsonObject().getJsonObject("NeutronError");
    assertThat(error).as(resp.bodyAsString()).isNotNull();
    assertThat(error.getString("type")).isEqualTo(type);
    assertThat(error.getString("message")).isNotBlank();
  }

  private static JsonObject create(String token, String collection, String member, JsonObject fields) {
    return ok(call(HttpMethod.POST, "/v2.0/" + collection, token, new JsonObject().put(member, fields)), 201)
        .getJsonObject(member);
  }

  private static JsonObject network(String token, String name) {
    return create(token, "networks", "network", new JsonObject().put("name", name));
  }

  private static JsonObject subnet(String token, String networkId, String cidr) {
    return create(token, "subnets", "subnet", new JsonObject().put("network_id", networkId).put("ip_version",
        cidr.contains(":") ? 6 : 4).put("cidr", cidr).put("name", "sub-" + cidr));
  }

  private static JsonObject newPort(String token, String networkId, JsonObject extra) {
    return create(token, "ports", "port", extra.copy().put("network_id", networkId));
  }

  private static List<String> ids(JsonArray list) {
    return list.stream().map(o -> ((JsonObject) o).getString("id")).toList();
  }

  private static String ipOf(JsonObject port) {
    return port.getJsonArray("fixed_ips").getJsonObject(0).getString("ip_address");
  }

  @Test
  @DisplayName("version discovery lists v2.0 as CURRENT, and the extensions the SDK asks about")
  void discovery() {
    JsonObject versions = ok(call(HttpMethod.GET, "/", null, null), 200);
    JsonObject v = versions.getJsonArray("versions").getJsonObject(0);
    assertThat(v.getString("id")).isEqualTo("v2.0");
    assertThat(v.getString("status")).isEqualTo("CURRENT");
    assertThat(v.getJsonArray("links").getJsonObject(0).getString("href")).endsWith(":" + port + "/v2.0/");
    assertThat(ok(call(HttpMethod.GET, "/v2.0/", null, null), 200).getJsonArray("resources")).isNotEmpty();
    JsonArray extensions = ok(call(HttpMethod.GET, "/v2.0/extensions", admin, null), 200).getJsonArray("extensions");
    assertThat(extensions.stream().map(e -> ((JsonObject) e).getString("alias")))
        .contains("security-group", "binding", "standard-attr-description", "port-security");
    fault(call(HttpMethod.GET, "/v2.0/extensions/no-such", admin, null), 404, "ExtensionNotFound");
    fault(call(HttpMethod.GET, "/v2.0/networks", null, null), 401, "Unauthorized");
  }

  @Test
  @DisplayName("the shared 'private' network with its 10.0.0.0/22 subnet exists and every project sees it")
  void bootstrapNetwork() {
    var member = identity.newProject("boot");
    JsonArray nets = ok(call(HttpMethod.GET, "/v2.0/networks?name=private", member.token(), null), 200)
        .getJsonArray("networks");
    assertThat(nets).hasSize(1);
    JsonObject privateNet = nets.getJsonObject(0);
    assertThat(privateNet.getBoolean("shared")).isTrue();
    assertThat(privateNet.getString("project_id")).isNotEqualTo(member.projectId());
    JsonObject sub = ok(call(HttpMethod.GET, "/v2.0/subnets/" + privateNet.getJsonArray("subnets").getString(0),
        member.token(), null), 200).getJsonObject("subnet");
    assertThat(sub.getString("name")).isEqualTo("private-subnet");
    assertThat(sub.getString("cidr")).isEqualTo("10.0.0.0/22");
    assertThat(sub.getString("gateway_ip")).isEqualTo("10.0.0.1");
    JsonObject p = newPort(member.token(), privateNet.getString("id"), new JsonObject());
    assertThat(ipOf(p)).startsWith("10.0.");
    assertThat(p.getString("project_id")).isEqualTo(member.projectId());
  }

  @Test
  @DisplayName("a show with list parameters (limit=x, a junk marker) answers at once, as Neutron, using only fields=")
  void showIgnoresPagingParameters() {
    var member = identity.newProject("show");
    JsonObject privateNet = ok(call(HttpMethod.GET, "/v2.0/networks?name=private", member.token(), null), 200)
        .getJsonArray("networks").getJsonObject(0);
    String portId = newPort(member.token(), privateNet.getString("id"), new JsonObject()).getString("id");
    JsonObject group = ok(call(HttpMethod.GET, "/v2.0/security-groups", member.token(), null), 200)
        .getJsonArray("security_groups").getJsonObject(0);
    String rule = group.getJsonArray("security_group_rules").getJsonObject(0).getString("id");
    for (String path : List.of("/v2.0/networks/" + privateNet.getString("id"),
        "/v2.0/subnets/" + privateNet.getJsonArray("subnets").getString(0), "/v2.0/ports/" + portId,
        "/v2.0/security-groups/" + group.getString("id"), "/v2.0/security-group-rules/" + rule)) {
      var resp = TestIdentity.await(identity.http.request(HttpMethod.GET, port, "127.0.0.1",
          path + "?limit=x&marker=junk&fields=id").putHeader("X-Auth-Token", member.token()).timeout(5_000).send());
      assertThat(resp.statusCode()).as(path + ": " + resp.bodyAsString()).isEqualTo(200);
      assertThat(resp.bodyAsJsonObject().fieldNames()).hasSize(1);
      JsonObject item = resp.bodyAsJsonObject().getJsonObject(resp.bodyAsJsonObject().fieldNames().iterator().next());
      assertThat(item.fieldNames()).as(path).containsExactly("id");
    }
  }

  @Test
  @DisplayName("a network is created with Neutron's fields, found by name and id filters, trimmed by fields=")
  void networkCrud() {
    var member = identity.newProject("net");
    JsonObject net = network(member.token(), "blue");
    assertThat(net.getString("status")).isEqualTo("ACTIVE");
    assertThat(net.getBoolean("admin_state_up")).isTrue();
    assertThat(net.getBoolean("shared")).isFalse();
    assertThat(net.getBoolean("router:external")).isFalse();
    assertThat(net.getInteger("mtu")).isEqualTo(1500);
    assertThat(net.getString("project_id")).isEqualTo(member.projectId()).isEqualTo(net.getString("tenant_id"));
    assertThat(net.getJsonArray("subnets")).isEmpty();
    assertThat(net.getString("created_at")).endsWith("Z");
    String green = network(member.token(), "green").getString("id");
    network(member.token(), "red");

    JsonArray two = ok(call(HttpMethod.GET, "/v2.0/networks?name=blue&name=green", member.token(), null), 200)
        .getJsonArray("networks");
    assertThat(ids(two)).containsExactlyInAnyOrder(net.getString("id"), green);
    JsonArray byId = ok(call(HttpMethod.GET, "/v2.0/networks?id=" + green + "&fields=id&fields=name", member.token(),
        null), 200).getJsonArray("networks");
    assertThat(byId.getJsonObject(0).fieldNames()).containsExactlyInAnyOrder("id", "name");
    assertThat(ok(call(HttpMethod.GET, "/v2.0/networks?shared=true&name=blue", member.token(), null), 200)
        .getJsonArray("networks")).isEmpty();

    JsonObject renamed = ok(call(HttpMethod.PUT, "/v2.0/networks/" + green, member.token(),
        new JsonObject().put("network", new JsonObject().put("name", "teal").put("description", "d"))), 200)
        .getJsonObject("network");
    assertThat(renamed.getString("name")).isEqualTo("teal");
    assertThat(renamed.getLong("revision_number")).isGreaterThan(net.getLong("revision_number"));
    assertThat(call(HttpMethod.DELETE, "/v2.0/networks/" + green, member.token(), null).statusCode()).isEqualTo(204);
    fault(call(HttpMethod.GET, "/v2.0/networks/" + green, member.token(), null), 404, "NetworkNotFound");
    fault(call(HttpMethod.GET, "/v2.0/networks/teal", member.token(), null), 404, "NetworkNotFound");
  }

  @Test
  @DisplayName("another project's network answers 404; a shared one is visible but only its owner changes it")
  void projectIsolation() {
    var alice = identity.newProject("alice");
    var bob = identity.newProject("bob");
    String secret = network(alice.token(), "alice-net").getString("id");
    fault(call(HttpMethod.GET, "/v2.0/networks/" + secret, bob.token(), null), 404, "NetworkNotFound");
    fault(call(HttpMethod.DELETE, "/v2.0/networks/" + secret, bob.token(), null), 404, "NetworkNotFound");
    fault(call(HttpMethod.POST, "/v2.0/ports", bob.token(), new JsonObject().put("port", new JsonObject()
        .put("network_id", secret))), 404, "NetworkNotFound");
    assertThat(ids(ok(call(HttpMethod.GET, "/v2.0/networks", bob.token(), null), 200).getJsonArray("networks")))
        .doesNotContain(secret);
    fault(call(HttpMethod.POST, "/v2.0/networks", alice.token(), new JsonObject().put("network",
        new JsonObject().put("name", "x").put("shared", true))), 403, "PolicyNotAuthorized");

    JsonObject shared = create(admin, "networks", "network", new JsonObject().put("name", "shared-" + alice.projectId())
        .put("shared", true));
    String sharedId = shared.getString("id");
    subnet(admin, sharedId, "10.77.0.0/24");
    assertThat(ok(call(HttpMethod.GET, "/v2.0/networks/" + sharedId, bob.token(), null), 200)
        .getJsonObject("network").getBoolean("shared")).isTrue();
    fault(call(HttpMethod.PUT, "/v2.0/networks/" + sharedId, bob.token(), new JsonObject().put("network",
        new JsonObject().put("name", "mine"))), 403, "PolicyNotAuthorized");
    fault(call(HttpMethod.POST, "/v2.0/subnets", bob.token(), new JsonObject().put("subnet", new JsonObject()
        .put("network_id", sharedId).put("ip_version", 4).put("cidr", "10.78.0.0/24"))), 403, "PolicyNotAuthorized");
    JsonObject bobsPort = newPort(bob.token(), sharedId, new JsonObject());
    assertThat(ipOf(bobsPort)).startsWith("10.77.0.");
    JsonArray alicePorts = ok(call(HttpMethod.GET, "/v2.0/ports?network_id=" + sharedId, alice.token(), null), 200)
        .getJsonArray("ports");
    assertThat(alicePorts).isEmpty();
    fault(call(HttpMethod.GET, "/v2.0/ports/" + bobsPort.getString("id"), alice.token(), null), 404, "PortNotFound");
    JsonArray all = ok(call(HttpMethod.GET, "/v2.0/networks?id=" + secret + "&id=" + sharedId, admin, null), 200)
        .getJsonArray("networks");
    assertThat(ids(all)).containsExactlyInAnyOrder(secret, sharedId);
  }

  @Test
  @DisplayName("a subnet defaults its gateway to the first address and its pool to the rest; IPv6 alike")
  void subnetDefaults() {
    var member = identity.newProject("sub");
    String net = network(member.token(), "n").getString("id");
    JsonObject v4 = subnet(member.token(), net, "192.168.10.0/24");
    assertThat(v4.getString("gateway_ip")).isEqualTo("192.168.10.1");
    assertThat(v4.getJsonArray("allocation_pools")).containsExactly(new JsonObject().put("start", "192.168.10.2")
        .put("end", "192.168.10.254"));
    assertThat(v4.getBoolean("enable_dhcp")).isTrue();
    JsonObject v6 = subnet(member.token(), net, "fd00:10::/64");
    assertThat(v6.getString("gateway_ip")).isEqualTo("fd00:10::1");
    assertThat(v6.getJsonArray("allocation_pools").getJsonObject(0).getString("start")).isEqualTo("fd00:10::2");
    JsonObject noGateway = create(member.token(), "subnets", "subnet", new JsonObject().put("network_id", net)
        .put("ip_version", 4).put("cidr", "192.168.11.0/29").put("gateway_ip", null)
        .put("dns_nameservers", new JsonArray().add("8.8.8.8")));
    assertThat(noGateway.getValue("gateway_ip")).isNull();
    assertThat(noGateway.getJsonArray("allocation_pools").getJsonObject(0).getString("start")).isEqualTo("192.168.11.1");
    assertThat(noGateway.getJsonArray("dns_nameservers")).containsExactly("8.8.8.8");

    JsonObject network = ok(call(HttpMethod.GET, "/v2.0/networks/" + net, member.token(), null), 200)
        .getJsonObject("network");
    assertThat(network.getJsonArray("subnets")).hasSize(3);
    JsonArray byNetwork = ok(call(HttpMethod.GET, "/v2.0/subnets?network_id=" + net + "&ip_version=6", member.token(),
        null), 200).getJsonArray("subnets");
    assertThat(ids(byNetwork)).containsExactly(v6.getString("id"));

    JsonObject updated = ok(call(HttpMethod.PUT, "/v2.0/subnets/" + v4.getString("id"), member.token(),
        new JsonObject().put("subnet", new JsonObject().put("name", "renamed").put("allocation_pools", new JsonArray()
            .add(new JsonObject().put("start", "192.168.10.100").put("end", "192.168.10.110"))))), 200)
        .getJsonObject("subnet");
    assertThat(updated.getString("name")).isEqualTo("renamed");
    JsonObject p = newPort(member.token(), net, new JsonObject().put("fixed_ips", new JsonArray()
        .add(new JsonObject().put("subnet_id", v4.getString("id")))));
    assertThat(Ip.parseOrNull(ipOf(p)).value().intValue() & 255).isBetween(100, 110);
    fault(call(HttpMethod.POST, "/v2.0/subnets", member.token(), new JsonObject().put("subnet", new JsonObject()
        .put("network_id", net).put("ip_version", 4).put("cidr", "192.168.10.128/25"))), 400, "BadRequest");
  }

  static Stream<Arguments> badSubnets() {
    return Stream.of(
        Arguments.of(new JsonObject().put("ip_version", 4).put("cidr", "10.9.0.1/24"), 400, "BadRequest"),
        Arguments.of(new JsonObject().put("ip_version", 4).put("cidr", "300.0.0.0/24"), 400, "BadRequest"),
        Arguments.of(new JsonObject().put("ip_version", 6).put("cidr", "10.9.0.0/24"), 400, "BadRequest"),
        Arguments.of(new JsonObject().put("ip_version", 5).put("cidr", "10.9.0.0/24"), 400, "BadRequest"),
        Arguments.of(new JsonObject().put("ip_version", 4), 400, "BadRequest"),
        Arguments.of(new JsonObject().put("ip_version", 4).put("cidr", "10.9.0.0/24").put("gateway_ip", "10.8.0.1"),
            400, "BadRequest"),
        Arguments.of(new JsonObject().put("ip_version", 4).put("cidr", "10.9.0.0/24").put("gateway_ip", "10.9.0.0"),
            400, "BadRequest"),
        Arguments.of(new JsonObject().put("ip_version", 4).put("cidr", "10.9.0.0/24").put("allocation_pools",
            new JsonArray().add(new JsonObject().put("start", "10.9.0.1").put("end", "10.9.0.9"))), 409,
            "GatewayConflictWithAllocationPools"),
        Arguments.of(new JsonObject().put("ip_version", 4).put("cidr", "10.9.0.0/24").put("allocation_pools",
            "nope"), 400, "BadRequest"),
        Arguments.of(new JsonObject().put("ip_version", 4).put("cidr", "10.9.0.0/24").put("dns_nameservers",
            new JsonArray().add("not-an-ip")), 400, "BadRequest"),
        Arguments.of(new JsonObject().put("ip_version", 4).put("cidr", "10.9.0.0/24").put("colour", "red"), 400,
            "BadRequest"),
        Arguments.of(new JsonObject().put("ip_version", 4).put("cidr", "10.9.0.0/24").put("ipv6_ra_mode", "slaac"),
            400, "BadRequest"));
  }

  @ParameterizedTest(name = "{0} answers {1} {2}")
  @MethodSource("badSubnets")
  @DisplayName("bad subnet bodies answer a NeutronError, never a 500")
  void badSubnetBodies(JsonObject body, int status, String type) {
    var member = identity.newProject("badsub");
    String net = network(member.token(), "n").getString("id");
    fault(call(HttpMethod.POST, "/v2.0/subnets", member.token(), new JsonObject().put("subnet",
        body.copy().put("network_id", net))), status, type);
  }

  @Test
  @DisplayName("500 ports created at once on a /23 each get a different address of the pool and a unique MAC")
  void fiveHundredConcurrentPorts() {
    var member = identity.newProject("storm");
    String net = network(member.token(), "storm").getString("id");
    JsonObject sub = subnet(member.token(), net, "10.50.0.0/23");
    AllocationPools pools = AllocationPools.fromJson(sub.getJsonArray("allocation_pools"));
    WebClient client = WebClient.create(identity.vertx, new WebClientOptions(),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(64));
    long start = System.nanoTime();
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      calls.add(client.post(port, "127.0.0.1", "/v2.0/ports").putHeader("X-Auth-Token", member.token())
          .sendJsonObject(new JsonObject().put("port", new JsonObject().put("network_id", net).put("name", "p" + i))));
    }
    TestIdentity.await(Future.join(calls));
    long millis = (System.nanoTime() - start) / 1_000_000;
    LOG.info("500 concurrent port creations on a /23 took {} ms", millis);
    Set<String> addresses = new HashSet<>();
    Set<String> macs = new HashSet<>();
    for (Future<HttpResponse<Buffer>> f : calls) {
      JsonObject p = ok(f.result(), 201).getJsonObject("port");
      Ip ip = Ip.parseOrNull(ipOf(p));
      assertThat(pools.contains(ip)).as(ip.toString()).isTrue();
      assertThat(ip.toString()).isNotEqualTo(sub.getString("gateway_ip"));
      assertThat(addresses.add(ip.toString())).as("address handed out twice: " + ip).isTrue();
      assertThat(p.getString("mac_address")).matches("fa:16:3e(:[0-9a-f]{2}){3}");
      assertThat(macs.add(p.getString("mac_address"))).isTrue();
    }
    assertThat(addresses).hasSize(500);
    JsonArray listed = ok(call(HttpMethod.GET, "/v2.0/ports?network_id=" + net + "&fields=id", member.token(), null),
        200).getJsonArray("ports");
    assertThat(listed).hasSize(500);
    client.close();
  }

  @Test
  @DisplayName("creates of one port sent at once with the same Idempotency-Key (an agent's build step delivered "
      + "twice) make one port: every answer is that port, and the project has one port on the device")
  void concurrentCreatesWithOneIdempotencyKeyMakeOnePort() {
    var member = identity.newProject("idem");
    String net = network(member.token(), "idem").getString("id");
    subnet(member.token(), net, "10.60.0.0/24");
    String device = UUID.randomUUID().toString();
    String name = "instance-" + device + "-1-nic0";
    WebClient client = WebClient.create(identity.vertx, new WebClientOptions(),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(8));
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      calls.add(client.post(port, "127.0.0.1", "/v2.0/ports").putHeader("X-Auth-Token", member.token())
          .putHeader("Idempotency-Key", name).sendJsonObject(new JsonObject().put("port", new JsonObject()
              .put("network_id", net).put("name", name).put("device_id", device))));
    }
    TestIdentity.await(Future.join(calls));
    Set<String> answered = new HashSet<>();
    for (Future<HttpResponse<Buffer>> f : calls) answered.add(ok(f.result(), 201).getJsonObject("port").getString("id"));
    assertThat(answered).hasSize(1);
    JsonArray listed = ok(call(HttpMethod.GET, "/v2.0/ports?device_id=" + device, member.token(), null), 200)
        .getJsonArray("ports");
    assertThat(ids(listed)).containsExactlyElementsOf(answered);
    client.close();
  }

  @Test
  @DisplayName("a full subnet answers 409 IpAddressGenerationFailure; deleting a port frees its address")
  void fullSubnet() {
    var member = identity.newProject("full");
    String net = network(member.token(), "small").getString("id");
    subnet(member.token(), net, "10.60.0.0/29");
    List<String> ports = new ArrayList<>();
    for (int i = 0; i < 5; i++) ports.add(newPort(member.token(), net, new JsonObject()).getString("id"));
    fault(call(HttpMethod.POST, "/v2.0/ports", member.token(), new JsonObject().put("port",
        new JsonObject().put("network_id", net))), 409, "IpAddressGenerationFailure");
    assertThat(call(HttpMethod.DELETE, "/v2.0/ports/" + ports.get(2), member.token(), null).statusCode())
        .isEqualTo(204);
    assertThat(newPort(member.token(), net, new JsonObject()).getJsonArray("fixed_ips")).hasSize(1);
    fault(call(HttpMethod.GET, "/v2.0/ports/" + ports.get(2), member.token(), null), 404, "PortNotFound");
  }

  @Test
  @DisplayName("fixed_ips: an address is given once (409 the second time), must be in the subnet, and is freed on delete")
  void fixedIps() {
    var member = identity.newProject("fixed");
    String net = network(member.token(), "fixed").getString("id");
    String sub = subnet(member.token(), net, "10.61.0.0/24").getString("id");
    JsonObject wanted = new JsonObject().put("fixed_ips", new JsonArray().add(new JsonObject().put("subnet_id", sub)
        .put("ip_address", "10.61.0.50")));
    JsonObject first = newPort(member.token(), net, wanted);
    assertThat(ipOf(first)).isEqualTo("10.61.0.50");
    assertThat(first.getJsonArray("fixed_ips").getJsonObject(0).getString("subnet_id")).isEqualTo(sub);
    fault(call(HttpMethod.POST, "/v2.0/ports", member.token(), new JsonObject().put("port",
        wanted.copy().put("network_id", net))), 409, "IpAddressAlreadyAllocated");
    fault(call(HttpMethod.POST, "/v2.0/ports", member.token(), new JsonObject().put("port", new JsonObject()
        .put("network_id", net).put("fixed_ips", new JsonArray().add(new JsonObject().put("subnet_id", sub)
            .put("ip_address", "10.62.0.5"))))), 400, "InvalidIpForSubnet");
    fault(call(HttpMethod.POST, "/v2.0/ports", member.token(), new JsonObject().put("port", new JsonObject()
        .put("network_id", net).put("fixed_ips", new JsonArray().add(new JsonObject()
            .put("ip_address", "10.62.0.5"))))), 400, "InvalidIpForNetwork");
    fault(call(HttpMethod.POST, "/v2.0/ports", member.token(), new JsonObject().put("port", new JsonObject()
        .put("network_id", net).put("fixed_ips", new JsonArray().add(new JsonObject()
            .put("ip_address", "10.61.0.255"))))), 400, "InvalidIpForSubnet");
    fault(call(HttpMethod.POST, "/v2.0/ports", member.token(), new JsonObject().put("port", new JsonObject()
        .put("network_id", net).put("fixed_ips", new JsonArray().add(new JsonObject()
            .put("subnet_id", "7d6b1a3e-0000-4000-8000-000000000000"))))), 404, "SubnetNotFound");
    JsonArray found = ok(call(HttpMethod.GET, "/v2.0/ports?fixed_ips=ip_address%3D10.61.0.50", member.token(), null),
        200).getJsonArray("ports");
    assertThat(ids(found)).containsExactly(first.getString("id"));
    assertThat(call(HttpMethod.DELETE, "/v2.0/ports/" + first.getString("id"), member.token(), null).statusCode())
        .isEqualTo(204);
    assertThat(ipOf(newPort(member.token(), net, wanted))).isEqualTo("10.61.0.50");
  }

  @Test
  @DisplayName("a MAC asked for twice answers 409 MacAddressInUse")
  void macTwice() {
    var member = identity.newProject("mac");
    String net = network(member.token(), "mac").getString("id");
    JsonObject p = newPort(member.token(), net, new JsonObject().put("mac_address", "FA:16:3E:AA:BB:CC"));
    assertThat(p.getString("mac_address")).isEqualTo("fa:16:3e:aa:bb:cc");
    assertThat(p.getJsonArray("fixed_ips")).isEmpty();
    fault(call(HttpMethod.POST, "/v2.0/ports", member.token(), new JsonObject().put("port", new JsonObject()
        .put("network_id", net).put("mac_address", "fa:16:3e:aa:bb:cc"))), 409, "MacAddressInUse");
    fault(call(HttpMethod.POST, "/v2.0/ports", member.token(), new JsonObject().put("port", new JsonObject()
        .put("network_id", net).put("mac_address", "01:00:5e:00:00:01"))), 400, "BadRequest");
  }

  @Test
  @DisplayName("a port is DOWN until a compute host binds it to a device, then ACTIVE with an ovs VIF")
  void bindingMakesPortActive() {
    var member = identity.newProject("bind");
    String net = network(member.token(), "bind").getString("id");
    subnet(member.token(), net, "10.63.0.0/24");
    JsonObject p = newPort(member.token(), net, new JsonObject().put("name", "vm-port"));
    String id = p.getString("id");
    assertThat(p.getString("status")).isEqualTo("DOWN");
    assertThat(p.getString("binding:vif_type")).isEqualTo("unbound");
    assertThat(p.getJsonArray("security_groups")).hasSize(1);

    fault(call(HttpMethod.PUT, "/v2.0/ports/" + id, member.token(), new JsonObject().put("port", new JsonObject()
        .put("binding:host_id", "compute-1"))), 403, "PolicyNotAuthorized");
    String server = "4f7c3d44-0b2a-4c51-9d39-6a5f2f0c1e11";
    JsonObject owned = ok(call(HttpMethod.PUT, "/v2.0/ports/" + id, member.token(), new JsonObject().put("port",
        new JsonObject().put("device_id", server).put("device_owner", "compute:nova"))), 200).getJsonObject("port");
    assertThat(owned.getString("status")).isEqualTo("DOWN");
    JsonObject bound = ok(call(HttpMethod.PUT, "/v2.0/ports/" + id, admin, new JsonObject().put("port",
        new JsonObject().put("binding:host_id", "compute-1"))), 200).getJsonObject("port");
    assertThat(bound.getString("status")).isEqualTo("ACTIVE");
    assertThat(bound.getString("binding:vif_type")).isEqualTo("ovs");
    assertThat(bound.getString("binding:host_id")).isEqualTo("compute-1");
    assertThat(bound.getString("device_owner")).isEqualTo("compute:nova");
    assertThat(ids(ok(call(HttpMethod.GET, "/v2.0/ports?device_id=" + server + "&device_id=other", member.token(),
        null), 200).getJsonArray("ports"))).containsExactly(id);
    JsonObject down = ok(call(HttpMethod.PUT, "/v2.0/ports/" + id, member.token(), new JsonObject().put("port",
        new JsonObject().put("admin_state_up", false))), 200).getJsonObject("port");
    assertThat(down.getString("status")).isEqualTo("DOWN");
  }

  @Test
  @DisplayName("a subnet (or network) with ports in use answers 409 until the ports are gone")
  void deleteInUse() {
    var member = identity.newProject("inuse");
    String net = network(member.token(), "inuse").getString("id");
    String sub = subnet(member.token(), net, "10.64.0.0/24").getString("id");
    String p = newPort(member.token(), net, new JsonObject()).getString("id");
    fault(call(HttpMethod.DELETE, "/v2.0/subnets/" + sub, member.token(), null), 409, "SubnetInUse");
    fault(call(HttpMethod.DELETE, "/v2.0/networks/" + net, member.token(), null), 409, "NetworkInUse");
    assertThat(call(HttpMethod.DELETE, "/v2.0/ports/" + p, member.token(), null).statusCode()).isEqualTo(204);
    assertThat(call(HttpMethod.DELETE, "/v2.0/subnets/" + sub, member.token(), null).statusCode()).isEqualTo(204);
    fault(call(HttpMethod.GET, "/v2.0/subnets/" + sub, member.token(), null), 404, "SubnetNotFound");
    assertThat(call(HttpMethod.DELETE, "/v2.0/networks/" + net, member.token(), null).statusCode()).isEqualTo(204);
  }

  @Test
  @DisplayName("security groups: a default group appears, groups and rules are created, listed, shown and deleted")
  void securityGroups() {
    var member = identity.newProject("sg");
    JsonArray groups = ok(call(HttpMethod.GET, "/v2.0/security-groups", member.token(), null), 200)
        .getJsonArray("security_groups");
    assertThat(groups).hasSize(1);
    JsonObject defaultGroup = groups.getJsonObject(0);
    assertThat(defaultGroup.getString("name")).isEqualTo("default");
    assertThat(defaultGroup.getJsonArray("security_group_rules")).hasSize(4);

    JsonObject web = create(member.token(), "security-groups", "security_group", new JsonObject().put("name", "web")
        .put("description", "web servers"));
    assertThat(web.getJsonArray("security_group_rules")).hasSize(2)
        .allSatisfy(r -> assertThat(((JsonObject) r).getString("direction")).isEqualTo("egress"));
    String webId = web.getString("id");
    JsonObject rule = create(member.token(), "security-group-rules", "security_group_rule", new JsonObject()
        .put("security_group_id", webId).put("direction", "ingress").put("protocol", "tcp").put("port_range_min", 80)
        .put("port_range_max", 443).put("remote_ip_prefix", "192.168.1.7/24"));
    assertThat(rule.getString("ethertype")).isEqualTo("IPv4");
    assertThat(rule.getString("remote_ip_prefix")).isEqualTo("192.168.1.0/24");
    fault(call(HttpMethod.POST, "/v2.0/security-group-rules", member.token(), new JsonObject().put("security_group_rule",
        new JsonObject().put("security_group_id", webId).put("direction", "ingress").put("protocol", "tcp")
            .put("port_range_min", 80).put("port_range_max", 443).put("remote_ip_prefix", "192.168.1.0/24"))), 409,
        "SecurityGroupRuleExists");
    JsonObject fromGroup = create(member.token(), "security-group-rules", "security_group_rule", new JsonObject()
        .put("security_group_id", webId).put("direction", "ingress").put("protocol", "icmp")
        .put("remote_group_id", defaultGroup.getString("id")));
    assertThat(fromGroup.getString("remote_group_id")).isEqualTo(defaultGroup.getString("id"));
    JsonObject shown = ok(call(HttpMethod.GET, "/v2.0/security-groups/" + webId, member.token(), null), 200)
        .getJsonObject("security_group");
    assertThat(shown.getJsonArray("security_group_rules")).hasSize(4);
    assertThat(ok(call(HttpMethod.GET, "/v2.0/security-group-rules?security_group_id=" + webId + "&direction=ingress",
        member.token(), null), 200).getJsonArray("security_group_rules")).hasSize(2);
    assertThat(ok(call(HttpMethod.PUT, "/v2.0/security-groups/" + webId, member.token(), new JsonObject()
        .put("security_group", new JsonObject().put("name", "www"))), 200).getJsonObject("security_group")
        .getString("name")).isEqualTo("www");
    fault(call(HttpMethod.PUT, "/v2.0/security-groups/" + defaultGroup.getString("id"), member.token(),
        new JsonObject().put("security_group", new JsonObject().put("name", "other"))), 409,
        "SecurityGroupCannotUpdateDefault");
    fault(call(HttpMethod.POST, "/v2.0/security-groups", member.token(), new JsonObject().put("security_group",
        new JsonObject().put("name", "default"))), 409, "SecurityGroupDefaultAlreadyExists");
    fault(call(HttpMethod.DELETE, "/v2.0/security-groups/" + defaultGroup.getString("id"), member.token(), null), 409,
        "SecurityGroupCannotRemoveDefault");

    var other = identity.newProject("sg-other");
    fault(call(HttpMethod.GET, "/v2.0/security-groups/" + webId, other.token(), null), 404, "SecurityGroupNotFound");
    String net = network(member.token(), "sgnet").getString("id");
    JsonObject p = newPort(member.token(), net, new JsonObject().put("security_groups", new JsonArray().add(webId)));
    assertThat(p.getJsonArray("security_groups")).containsExactly(webId);
    String otherGroup = create(other.token(), "security-groups", "security_group", new JsonObject().put("name", "o"))
        .getString("id");
    fault(call(HttpMethod.POST, "/v2.0/ports", member.token(), new JsonObject().put("port", new JsonObject()
        .put("network_id", net).put("security_groups", new JsonArray().add(otherGroup)))), 404, "SecurityGroupNotFound");
    fault(call(HttpMethod.DELETE, "/v2.0/security-groups/" + webId, member.token(), null), 409, "SecurityGroupInUse");
    JsonObject cleared = ok(call(HttpMethod.PUT, "/v2.0/ports/" + p.getString("id"), member.token(), new JsonObject()
        .put("port", new JsonObject().put("security_groups", new JsonArray()))), 200).getJsonObject("port");
    assertThat(cleared.getJsonArray("security_groups")).isEmpty();
    assertThat(call(HttpMethod.DELETE, "/v2.0/security-group-rules/" + rule.getString("id"), member.token(), null)
        .statusCode()).isEqualTo(204);
    fault(call(HttpMethod.GET, "/v2.0/security-group-rules/" + rule.getString("id"), member.token(), null), 404,
        "SecurityGroupRuleNotFound");
    assertThat(call(HttpMethod.DELETE, "/v2.0/security-groups/" + webId, member.token(), null).statusCode())
        .isEqualTo(204);
  }

  static Stream<Arguments> badRules() {
    return Stream.of(
        Arguments.of(new JsonObject().put("direction", "sideways"), "BadRequest"),
        Arguments.of(new JsonObject(), "BadRequest"),
        Arguments.of(new JsonObject().put("direction", "ingress").put("ethertype", "IPv5"), "BadRequest"),
        Arguments.of(new JsonObject().put("direction", "ingress").put("protocol", "tcpx"),
            "SecurityGroupRuleInvalidProtocol"),
        Arguments.of(new JsonObject().put("direction", "ingress").put("protocol", 256),
            "SecurityGroupRuleInvalidProtocol"),
        Arguments.of(new JsonObject().put("direction", "ingress").put("port_range_min", 22),
            "SecurityGroupProtocolRequiredWithPorts"),
        Arguments.of(new JsonObject().put("direction", "ingress").put("protocol", "tcp").put("port_range_min", 90)
            .put("port_range_max", 80), "SecurityGroupInvalidPortRange"),
        Arguments.of(new JsonObject().put("direction", "ingress").put("protocol", "udp").put("port_range_min", 0)
            .put("port_range_max", 70000), "SecurityGroupInvalidPortRange"),
        Arguments.of(new JsonObject().put("direction", "ingress").put("protocol", "icmp").put("port_range_min", 300),
            "SecurityGroupInvalidIcmpValue"),
        Arguments.of(new JsonObject().put("direction", "ingress").put("protocol", "icmp").put("port_range_max", 0),
            "SecurityGroupMissingIcmpType"),
        Arguments.of(new JsonObject().put("direction", "ingress").put("protocol", "gre").put("port_range_min", 1),
            "SecurityGroupInvalidProtocolForPortRange"),
        Arguments.of(new JsonObject().put("direction", "ingress").put("remote_ip_prefix", "fd00::/64"),
            "SecurityGroupRuleParameterConflict"),
        Arguments.of(new JsonObject().put("direction", "ingress").put("remote_ip_prefix", "banana"), "BadRequest"),
        Arguments.of(new JsonObject().put("direction", "ingress").put("port_range_min", "eighty")
            .put("protocol", "tcp"), "BadRequest"));
  }

  @ParameterizedTest(name = "{0} answers 400 {1}")
  @MethodSource("badRules")
  @DisplayName("bad security group rules answer 400 with Neutron's fault type")
  void badRuleBodies(JsonObject rule, String type) {
    var member = identity.newProject("badrule");
    String group = create(member.token(), "security-groups", "security_group", new JsonObject().put("name", "g"))
        .getString("id");
    fault(call(HttpMethod.POST, "/v2.0/security-group-rules", member.token(), new JsonObject().put(
        "security_group_rule", rule.copy().put("security_group_id", group))), 400, type);
  }

  static Stream<Arguments> badRequests() {
    String nowhere = "0b8f3bd4-96a4-4a5c-8d1e-41b0b5e3a9a2";
    return Stream.of(
        Arguments.of(HttpMethod.POST, "/v2.0/networks", "{oops", 400, "BadRequest"),
        Arguments.of(HttpMethod.POST, "/v2.0/networks", "[]", 400, "BadRequest"),
        Arguments.of(HttpMethod.POST, "/v2.0/networks", "{\"net\":{}}", 400, "BadRequest"),
        Arguments.of(HttpMethod.POST, "/v2.0/networks", "{\"network\":{\"name\":5}}", 400, "BadRequest"),
        Arguments.of(HttpMethod.POST, "/v2.0/networks", "{\"network\":{\"admin_state_up\":\"maybe\"}}", 400,
            "BadRequest"),
        Arguments.of(HttpMethod.POST, "/v2.0/networks", "{\"network\":{\"mtu\":99999}}", 400, "BadRequest"),
        Arguments.of(HttpMethod.POST, "/v2.0/networks", "{\"network\":{\"flavor\":\"x\"}}", 400, "BadRequest"),
        Arguments.of(HttpMethod.PUT, "/v2.0/networks/" + nowhere, "{\"network\":{\"name\":\"x\"}}", 404,
            "NetworkNotFound"),
        Arguments.of(HttpMethod.POST, "/v2.0/ports", "{\"port\":{}}", 400, "BadRequest"),
        Arguments.of(HttpMethod.POST, "/v2.0/ports", "{\"port\":{\"network_id\":\"" + nowhere + "\"}}", 404,
            "NetworkNotFound"),
        Arguments.of(HttpMethod.POST, "/v2.0/ports", "{\"port\":{\"network_id\":\"x\",\"fixed_ips\":\"10.0.0.1\"}}",
            400, "BadRequest"),
        Arguments.of(HttpMethod.POST, "/v2.0/ports", "{\"port\":{\"network_id\":\"x\",\"fixed_ips\":"
            + "[{\"ip_address\":\"10.0.0.300\"}]}}", 400, "BadRequest"),
        Arguments.of(HttpMethod.POST, "/v2.0/ports", "{\"port\":{\"network_id\":\"x\",\"security_groups\":[\"x\"]}}",
            400, "BadRequest"),
        Arguments.of(HttpMethod.GET, "/v2.0/ports/" + nowhere, null, 404, "PortNotFound"),
        Arguments.of(HttpMethod.GET, "/v2.0/ports?fixed_ips=bogus", null, 400, "BadRequest"),
        Arguments.of(HttpMethod.GET, "/v2.0/networks?limit=x", null, 400, "BadRequest"),
        Arguments.of(HttpMethod.GET, "/v2.0/networks?shared=perhaps", null, 400, "BadRequest"),
        Arguments.of(HttpMethod.DELETE, "/v2.0/subnets/" + nowhere, null, 404, "SubnetNotFound"),
        Arguments.of(HttpMethod.PUT, "/v2.0/subnets/" + nowhere, "{\"subnet\":{\"cidr\":\"10.0.0.0/8\"}}", 400,
            "BadRequest"),
        Arguments.of(HttpMethod.GET, "/v2.0/security-groups/" + nowhere, null, 404, "SecurityGroupNotFound"),
        Arguments.of(HttpMethod.POST, "/v2.0/security-group-rules", "{\"security_group_rule\":{\"direction\":"
            + "\"ingress\",\"security_group_id\":\"" + nowhere + "\"}}", 404, "SecurityGroupNotFound"),
        Arguments.of(HttpMethod.GET, "/v2.0/routers", null, 404, "NotFound"),
        Arguments.of(HttpMethod.POST, "/v2.0/networks", "{\"network\":{\"name\":\"q\",\"qos_policy_id\":\""
            + nowhere + "\"}}", 400, "BadRequest"),
        Arguments.of(HttpMethod.POST, "/v2.0/networks", "{\"network\":{\"name\":\"az\","
            + "\"availability_zone_hints\":[1]}}", 400, "BadRequest"),
        Arguments.of(HttpMethod.POST, "/v2.0/networks", "{\"network\":{\"name\":\"az\","
            + "\"availability_zone_hints\":[{\"zone\":\"nova\"}]}}", 400, "BadRequest"),
        Arguments.of(HttpMethod.POST, "/v2.0/ports", "{\"port\":{\"network_id\":\"" + nowhere + "\","
            + "\"qos_policy_id\":\"" + nowhere + "\"}}", 400, "BadRequest"));
  }

  @ParameterizedTest(name = "{0} {1} {2} answers {3} {4}")
  @MethodSource("badRequests")
  @DisplayName("bad input answers 400 and unknown ids 404, as NeutronError bodies")
  void badInputs(HttpMethod method, String path, String body, int status, String type) {
    var member = identity.newProject("bad");
    fault(call(method, path, member.token(), body), status, type);
  }
}
