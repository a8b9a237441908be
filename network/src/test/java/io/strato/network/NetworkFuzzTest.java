package io.strato.network;

import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.strato.testkit.fuzz.ApiFuzzer;
import io.strato.testkit.fuzz.Operation;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Thousands of mutated Neutron calls: no 5xx, no hang, no accepted invalid value (seed printed on failure). */
@ExtendWith(SharedInfrastructure.class)
class NetworkFuzzTest {

  @Test
  @DisplayName("mutated network, subnet, port and security group calls answer 2xx or Neutron's 4xx, never 5xx or"
      + " nothing")
  void fuzz() {
    TestIdentity identity = TestIdentity.get();
    int port = TestNetwork.port();
    var member = identity.newProject("fuzz");
    String net = create(identity, port, member.token(), "/v2.0/networks", "network",
        new JsonObject().put("network", new JsonObject().put("name", "fuzz")));
    String subnet = create(identity, port, member.token(), "/v2.0/subnets", "subnet", new JsonObject().put("subnet",
        new JsonObject().put("network_id", net).put("ip_version", 4).put("cidr", "10.9.0.0/24")));
    String group = create(identity, port, member.token(), "/v2.0/security-groups", "security_group",
        new JsonObject().put("security_group", new JsonObject().put("name", "g")));
    String fuzzPort = create(identity, port, member.token(), "/v2.0/ports", "port",
        new JsonObject().put("port", new JsonObject().put("network_id", net)));
    List<Operation> operations = List.of(
        Operation.create("network create", "/v2.0/networks", new JsonObject().put("network", new JsonObject()
            .put("name", "n").put("admin_state_up", true).put("description", "d").put("mtu", 1400)),
            r -> "/v2.0/networks/" + r.getJsonObject("network").getString("id"), true),
        Operation.create("subnet create", "/v2.0/subnets", new JsonObject().put("subnet", new JsonObject()
            .put("network_id", net).put("ip_version", 4).put("cidr", "10.8.0.0/24").put("name", "s")
            .put("enable_dhcp", true).put("gateway_ip", "10.8.0.1")
            .put("allocation_pools", new JsonArray().add(new JsonObject().put("start", "10.8.0.10")
                .put("end", "10.8.0.20")))
            .put("dns_nameservers", new JsonArray().add("8.8.8.8"))
            .put("host_routes", new JsonArray().add(new JsonObject().put("destination", "10.7.0.0/24")
                .put("nexthop", "10.8.0.2")))),
            r -> "/v2.0/subnets/" + r.getJsonObject("subnet").getString("id"), true),
        Operation.create("port create", "/v2.0/ports", new JsonObject().put("port", new JsonObject()
            .put("network_id", net).put("name", "p").put("admin_state_up", true)
            .put("fixed_ips", new JsonArray().add(new JsonObject().put("subnet_id", subnet)))
            .put("security_groups", new JsonArray().add(group))),
            r -> "/v2.0/ports/" + r.getJsonObject("port").getString("id"), true),
        Operation.create("security group create", "/v2.0/security-groups", new JsonObject().put("security_group",
            new JsonObject().put("name", "g").put("description", "d")),
            r -> "/v2.0/security-groups/" + r.getJsonObject("security_group").getString("id"), true),
        Operation.create("rule create", "/v2.0/security-group-rules", new JsonObject().put("security_group_rule",
            new JsonObject().put("security_group_id", group).put("direction", "ingress").put("ethertype", "IPv4")
                .put("protocol", "tcp").put("port_range_min", 22).put("port_range_max", 22)
                .put("remote_ip_prefix", "10.0.0.0/8")),
            r -> "/v2.0/security-group-rules/" + r.getJsonObject("security_group_rule").getString("id"), true),
        Operation.update("network update", HttpMethod.PUT, "/v2.0/networks/" + net, new JsonObject()
            .put("network", new JsonObject().put("name", "n2").put("admin_state_up", true)), true),
        Operation.update("subnet update", HttpMethod.PUT, "/v2.0/subnets/" + subnet, new JsonObject()
            .put("subnet", new JsonObject().put("name", "s2").put("enable_dhcp", false)), true),
        Operation.update("port update", HttpMethod.PUT, "/v2.0/ports/" + fuzzPort, new JsonObject()
            .put("port", new JsonObject().put("name", "p2").put("admin_state_up", false)), true),
        Operation.list("networks", "/v2.0/networks", "shared", "router:external", "admin_state_up", "project_id"),
        Operation.list("subnets", "/v2.0/subnets", "network_id", "cidr", "ip_version"),
        Operation.list("ports", "/v2.0/ports", "network_id", "device_id", "device_owner", "fixed_ips"),
        Operation.list("security groups", "/v2.0/security-groups", "project_id"),
        Operation.list("rules", "/v2.0/security-group-rules", "security_group_id", "direction"));
    ApiFuzzer fuzzer = new ApiFuzzer(identity.vertx, port, member::token, Map.of(), operations);
    try {
      fuzzer.run(ApiFuzzer.seed(), 2000);
    } finally {
      fuzzer.close();
    }
  }

  private static String create(TestIdentity identity, int port, String token, String path, String member,
      JsonObject body) {
    var resp = identity.call(HttpMethod.POST, port, path, token, body, Map.of());
    if (resp.statusCode() != 201) throw new AssertionError(path + ": " + resp.bodyAsString());
    return resp.bodyAsJsonObject().getJsonObject(member).getString("id");
  }
}
