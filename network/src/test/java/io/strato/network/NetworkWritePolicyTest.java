package io.strato.network;

import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.strato.testkit.WriteWalk;
import io.strato.testkit.WriteWalk.Write;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every write of the Neutron API refuses a reader of the owning project (403 PolicyNotAuthorized), a member of
 * another project (404, or 403 when it names the owner's project), and callers without a valid token (401), and
 * leaves the owner's networks, subnets, ports, security groups and rules exactly as they were.
 */
@ExtendWith(SharedInfrastructure.class)
class NetworkWritePolicyTest {

  @TestFactory
  Stream<DynamicContainer> writesRefuseReadersOtherProjectsAndBadTokens() {
    TestIdentity identity = TestIdentity.get();
    int port = TestNetwork.port();
    TestIdentity.Member owner = identity.newProject("owner");
    String p = owner.projectId();
    String net = create(identity, port, owner, "networks", "network", new JsonObject().put("name", "n"));
    String subnet = create(identity, port, owner, "subnets", "subnet", new JsonObject().put("network_id", net)
        .put("ip_version", 4).put("cidr", "10.77.0.0/24"));
    String portId = create(identity, port, owner, "ports", "port", new JsonObject().put("network_id", net));
    String group = create(identity, port, owner, "security-groups", "security_group",
        new JsonObject().put("name", "g"));
    String rule = create(identity, port, owner, "security-group-rules", "security_group_rule", new JsonObject()
        .put("security_group_id", group).put("direction", "ingress").put("protocol", "tcp").put("port_range_min", 22)
        .put("port_range_max", 22));

    List<Write> writes = List.of(
        new Write("create network", HttpMethod.POST, "/v2.0/networks",
            wrap("network", named().put("project_id", p)), 403),
        new Write("update network", HttpMethod.PUT, "/v2.0/networks/" + net, wrap("network", named()), 404),
        new Write("delete network", HttpMethod.DELETE, "/v2.0/networks/" + net, null, 404),
        new Write("create subnet", HttpMethod.POST, "/v2.0/subnets", wrap("subnet", new JsonObject()
            .put("network_id", net).put("ip_version", 4).put("cidr", "10.78.0.0/24")), 404),
        new Write("update subnet", HttpMethod.PUT, "/v2.0/subnets/" + subnet, wrap("subnet", named()), 404),
        new Write("delete subnet", HttpMethod.DELETE, "/v2.0/subnets/" + subnet, null, 404),
        new Write("create port", HttpMethod.POST, "/v2.0/ports", wrap("port", new JsonObject()
            .put("network_id", net)), 404),
        new Write("update port", HttpMethod.PUT, "/v2.0/ports/" + portId, wrap("port", named()), 404),
        new Write("delete port", HttpMethod.DELETE, "/v2.0/ports/" + portId, null, 404),
        new Write("create security group", HttpMethod.POST, "/v2.0/security-groups", wrap("security_group",
            named().put("project_id", p)), 403),
        new Write("update security group", HttpMethod.PUT, "/v2.0/security-groups/" + group,
            wrap("security_group", named()), 404),
        new Write("delete security group", HttpMethod.DELETE, "/v2.0/security-groups/" + group, null, 404),
        new Write("create security group rule", HttpMethod.POST, "/v2.0/security-group-rules",
            wrap("security_group_rule", new JsonObject().put("security_group_id", group).put("direction", "egress")),
            404),
        new Write("delete security group rule", HttpMethod.DELETE, "/v2.0/security-group-rules/" + rule, null, 404));

    String admin = identity.adminToken();
    return new WriteWalk(identity, port, owner, WriteWalk.network(), "\\(rule:[a-z_:]+\\) is disallowed by policy")
        .walk(writes, () -> Stream.of("networks", "subnets", "ports", "security-groups", "security-group-rules")
            .map(c -> identity.call(HttpMethod.GET, port, "/v2.0/" + c + "?project_id=" + p, admin, null, Map.of())
                .bodyAsJsonObject())
            .toList());
  }

  private static JsonObject named() {
    return new JsonObject().put("name", "renamed-by-intruder");
  }

  private static JsonObject wrap(String member, JsonObject fields) {
    return new JsonObject().put(member, fields);
  }

  private static String create(TestIdentity identity, int port, TestIdentity.Member owner, String collection,
      String member, JsonObject fields) {
    var resp = identity.call(HttpMethod.POST, port, "/v2.0/" + collection, owner.token(), wrap(member, fields),
        Map.of());
    if (resp.statusCode() != 201) throw new AssertionError(resp.bodyAsString());
    return resp.bodyAsJsonObject().getJsonObject(member).getString("id");
  }
}
