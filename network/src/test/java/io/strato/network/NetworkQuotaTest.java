package io.strato.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Neutron's quotas: defaults, the admin API, 409 OverQuota, and exact counts under concurrency. */
@ExtendWith(SharedInfrastructure.class)
class NetworkQuotaTest {
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

  private static void setQuota(String project, JsonObject quota) {
    var resp = call(HttpMethod.PUT, "/v2.0/quotas/" + project, admin, new JsonObject().put("quota", quota));
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(200);
  }

  private static void assertOverQuota(HttpResponse<Buffer> resp, String resource) {
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(409);
    JsonObject error = resp.bodyAsJsonObject().getJsonObject("NeutronError");
    assertThat(error.getString("type")).isEqualTo("OverQuota");
    assertThat(error.getString("message")).isEqualTo("Quota exceeded for resources: ['" + resource + "'].");
  }

  /** Sends {@code n} creates at once; answers the replies. */
  private static List<HttpResponse<Buffer>> parallel(int n, String path, String token, JsonObject body) {
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      calls.add(identity.http.request(HttpMethod.POST, port, "127.0.0.1", path).putHeader("X-Auth-Token", token)
          .sendJsonObject(body));
    }
    TestIdentity.await(Future.join(calls));
    return calls.stream().map(Future::result).toList();
  }

  private static long withStatus(List<HttpResponse<Buffer>> replies, int status) {
    return replies.stream().filter(r -> r.statusCode() == status).count();
  }

  @Test
  @DisplayName("30 parallel network creates against a quota of 10: exactly 10 created, 20 answer 409 OverQuota")
  void networksExactUnderConcurrency() {
    var member = identity.newProject("netquota");
    setQuota(member.projectId(), new JsonObject().put("network", 10));
    var replies = parallel(30, "/v2.0/networks", member.token(),
        new JsonObject().put("network", new JsonObject().put("name", "n")));
    assertThat(withStatus(replies, 201)).isEqualTo(10);
    assertThat(withStatus(replies, 409)).isEqualTo(20);
    assertOverQuota(replies.stream().filter(r -> r.statusCode() == 409).findFirst().orElseThrow(), "network");
    assertThat(call(HttpMethod.GET, "/v2.0/networks?project_id=" + member.projectId(), member.token(), null)
        .bodyAsJsonObject().getJsonArray("networks")).hasSize(10);
  }

  @Test
  @DisplayName("one member cannot take the shared network's addresses: 20 parallel ports on 'private' against a port"
      + " quota of 5 give exactly 5; another project still gets its port, and a deleted port frees quota")
  void portsOnTheSharedNetwork() {
    var greedy = identity.newProject("greedy");
    String privateNet = call(HttpMethod.GET, "/v2.0/networks?name=private", greedy.token(), null).bodyAsJsonObject()
        .getJsonArray("networks").getJsonObject(0).getString("id");
    setQuota(greedy.projectId(), new JsonObject().put("port", 5));
    JsonObject body = new JsonObject().put("port", new JsonObject().put("network_id", privateNet));
    var replies = parallel(20, "/v2.0/ports", greedy.token(), body);
    assertThat(withStatus(replies, 201)).isEqualTo(5);
    assertThat(withStatus(replies, 409)).isEqualTo(15);
    assertOverQuota(replies.stream().filter(r -> r.statusCode() == 409).findFirst().orElseThrow(), "port");

    var other = identity.newProject("modest");
    assertThat(call(HttpMethod.POST, "/v2.0/ports", other.token(), body).statusCode()).isEqualTo(201);

    String first = replies.stream().filter(r -> r.statusCode() == 201).findFirst().orElseThrow().bodyAsJsonObject()
        .getJsonObject("port").getString("id");
    assertThat(call(HttpMethod.DELETE, "/v2.0/ports/" + first, greedy.token(), null).statusCode()).isEqualTo(204);
    assertThat(call(HttpMethod.POST, "/v2.0/ports", greedy.token(), body).statusCode()).isEqualTo(201);
    assertOverQuota(call(HttpMethod.POST, "/v2.0/ports", greedy.token(), body), "port");
  }

  @Test
  @DisplayName("a port asking for 6 addresses answers Neutron's 400 (max 5 per port), so one port cannot drain a shared"
      + " subnet whatever the port quota")
  void fixedIpsPerPort() {
    var member = identity.newProject("manyips");
    JsonObject privateNet = call(HttpMethod.GET, "/v2.0/networks?name=private", member.token(), null)
        .bodyAsJsonObject().getJsonArray("networks").getJsonObject(0);
    String subnet = privateNet.getJsonArray("subnets").getString(0);
    io.vertx.core.json.JsonArray six = new io.vertx.core.json.JsonArray();
    for (int i = 0; i < 6; i++) six.add(new JsonObject().put("subnet_id", subnet));
    var resp = call(HttpMethod.POST, "/v2.0/ports", member.token(), new JsonObject().put("port", new JsonObject()
        .put("network_id", privateNet.getString("id")).put("fixed_ips", six)));
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(400);
    assertThat(resp.bodyAsJsonObject().getJsonObject("NeutronError").getString("message"))
        .isEqualTo("Invalid input for operation: Exceeded maximum amount of fixed ips per port.");
    six.remove(0);
    var five = call(HttpMethod.POST, "/v2.0/ports", member.token(), new JsonObject().put("port", new JsonObject()
        .put("network_id", privateNet.getString("id")).put("fixed_ips", six)));
    assertThat(five.statusCode()).as(five.bodyAsString()).isEqualTo(201);
    assertThat(five.bodyAsJsonObject().getJsonObject("port").getJsonArray("fixed_ips")).hasSize(5);
  }

  @Test
  @DisplayName("subnets, security groups and rules stop at their quotas with 409 OverQuota")
  void otherResources() {
    var member = identity.newProject("sgquota");
    // The default group (4 rules) comes first; a new group brings 2 egress rules.
    setQuota(member.projectId(), new JsonObject().put("subnet", 1).put("security_group", 2)
        .put("security_group_rule", 7));
    String net = call(HttpMethod.POST, "/v2.0/networks", member.token(), new JsonObject().put("network",
        new JsonObject().put("name", "q"))).bodyAsJsonObject().getJsonObject("network").getString("id");
    JsonObject subnet = new JsonObject().put("network_id", net).put("ip_version", 4);
    assertThat(call(HttpMethod.POST, "/v2.0/subnets", member.token(), new JsonObject().put("subnet",
        subnet.copy().put("cidr", "10.90.1.0/24"))).statusCode()).isEqualTo(201);
    assertOverQuota(call(HttpMethod.POST, "/v2.0/subnets", member.token(), new JsonObject().put("subnet",
        subnet.copy().put("cidr", "10.90.2.0/24"))), "subnet");

    JsonObject group = new JsonObject().put("security_group", new JsonObject().put("name", "web"));
    var web = call(HttpMethod.POST, "/v2.0/security-groups", member.token(), group);
    assertThat(web.statusCode()).as(web.bodyAsString()).isEqualTo(201);
    assertOverQuota(call(HttpMethod.POST, "/v2.0/security-groups", member.token(), group), "security_group");

    String webId = web.bodyAsJsonObject().getJsonObject("security_group").getString("id");
    JsonObject rule = new JsonObject().put("security_group_id", webId).put("direction", "ingress")
        .put("ethertype", "IPv4").put("protocol", "tcp");
    assertThat(call(HttpMethod.POST, "/v2.0/security-group-rules", member.token(), new JsonObject()
        .put("security_group_rule", rule.copy().put("port_range_min", 22).put("port_range_max", 22))).statusCode())
        .isEqualTo(201);
    assertOverQuota(call(HttpMethod.POST, "/v2.0/security-group-rules", member.token(), new JsonObject()
        .put("security_group_rule", rule.copy().put("port_range_min", 80).put("port_range_max", 80))),
        "security_group_rule");
  }

  @Test
  @DisplayName("quotas API: Neutron's defaults, details with usage, admin-only PUT/DELETE, list of customised projects")
  void quotasApi() {
    var member = identity.newProject("quotaapi");
    String path = "/v2.0/quotas/" + member.projectId();
    JsonObject shown = call(HttpMethod.GET, path, member.token(), null).bodyAsJsonObject().getJsonObject("quota");
    assertThat(shown.getMap()).isEqualTo(Map.of("network", 100, "subnet", 100, "port", 500, "security_group", 10,
        "security_group_rule", 100));
    assertThat(call(HttpMethod.GET, path + "/default", member.token(), null).bodyAsJsonObject()
        .getJsonObject("quota").getInteger("port")).isEqualTo(500);

    var forbidden = call(HttpMethod.PUT, path, member.token(), new JsonObject().put("quota",
        new JsonObject().put("port", 1000)));
    assertThat(forbidden.statusCode()).isEqualTo(403);
    assertThat(forbidden.bodyAsJsonObject().getJsonObject("NeutronError").getString("type"))
        .isEqualTo("PolicyNotAuthorized");
    var stranger = identity.newProject("stranger");
    assertThat(call(HttpMethod.GET, path, stranger.token(), null).statusCode()).isEqualTo(403);
    assertThat(call(HttpMethod.GET, "/v2.0/quotas", member.token(), null).statusCode()).isEqualTo(403);

    var bad = call(HttpMethod.PUT, path, admin, new JsonObject().put("quota", new JsonObject().put("port", -2)));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.bodyAsJsonObject().containsKey("NeutronError")).isTrue();
    assertThat(call(HttpMethod.PUT, path, admin, new JsonObject().put("quota", new JsonObject().put("colour", 1)))
        .statusCode()).isEqualTo(400);

    setQuota(member.projectId(), new JsonObject().put("network", 3).put("port", -1));
    call(HttpMethod.POST, "/v2.0/networks", member.token(), new JsonObject().put("network", new JsonObject()));
    JsonObject details = call(HttpMethod.GET, path + "/details", admin, null).bodyAsJsonObject()
        .getJsonObject("quota");
    assertThat(details.getJsonObject("network").getMap()).isEqualTo(Map.of("limit", 3, "used", 1, "reserved", 0));
    assertThat(details.getJsonObject("port").getInteger("limit")).isEqualTo(-1);
    var listed = call(HttpMethod.GET, "/v2.0/quotas", admin, null).bodyAsJsonObject().getJsonArray("quotas");
    assertThat(listed.stream().map(q -> ((JsonObject) q).getString("project_id"))).contains(member.projectId());

    assertThat(call(HttpMethod.DELETE, path, admin, null).statusCode()).isEqualTo(204);
    assertThat(call(HttpMethod.GET, path, member.token(), null).bodyAsJsonObject().getJsonObject("quota")
        .getInteger("network")).isEqualTo(100);
    assertThat(call(HttpMethod.GET, "/v2.0/quotas", admin, null).bodyAsJsonObject().getJsonArray("quotas").stream()
        .map(q -> ((JsonObject) q).getString("project_id"))).doesNotContain(member.projectId());
  }
}
