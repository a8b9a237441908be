package io.strato.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.kafka.Topics;
import io.strato.common.messages.BootRequest;
import io.strato.common.messages.Cancellation;
import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TopicRecords;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedInfrastructure.class)
class ServersApiTest {
  private static TestCloud cloud;
  private static BootRequestWatcher watcher;

  @BeforeAll
  static void start() {
    cloud = TestCloud.get();
    watcher = new BootRequestWatcher(cloud.vertx, cloud.settings);
  }

  @Test
  @DisplayName("POST /servers answers 202 at once, the server shows BUILD/scheduling, and a boot request reaches Kafka")
  void createPublishesBootRequest() {
    var member = cloud.newProject("create");
    var resp = cloud.call(HttpMethod.POST, "/v2.1/servers", member.token(), cloud.server("vm1"));
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(202);
    JsonObject server = resp.bodyAsJsonObject().getJsonObject("server");
    String id = server.getString("id");
    assertThat(server.getString("adminPass")).hasSizeGreaterThanOrEqualTo(8);
    assertThat(resp.getHeader("Location")).endsWith("/v2.1/servers/" + id);
    String requestId = resp.getHeader("x-openstack-request-id");
    assertThat(requestId).startsWith("req-");

    JsonObject shown = cloud.call(HttpMethod.GET, "/v2.1/servers/" + id, member.token(), null).bodyAsJsonObject()
        .getJsonObject("server");
    assertThat(shown.getString("status")).isEqualTo("BUILD");
    assertThat(shown.getString("OS-EXT-STS:vm_state")).isEqualTo("building");
    assertThat(shown.getString("OS-EXT-STS:task_state")).isEqualTo("scheduling");
    assertThat(shown.getInteger("OS-EXT-STS:power_state")).isZero();
    assertThat(shown.getString("tenant_id")).isEqualTo(member.projectId());
    assertThat(shown.getJsonObject("flavor").getString("id")).isEqualTo("1");
    assertThat(shown.getJsonObject("image").getString("id")).isEqualTo(cloud.imageId);
    assertThat(shown.containsKey("OS-EXT-SRV-ATTR:host")).as("host is admin-only").isFalse();

    BootRequest boot = watcher.awaitFor(id);
    assertThat(boot.projectId()).isEqualTo(member.projectId());
    assertThat(boot.flavor().ramMb()).isEqualTo(512);
    assertThat(boot.image().properties()).containsEntry("architecture", "x86_64");
    assertThat(boot.requestId()).isEqualTo(requestId);
    assertThat(watcher.sawRequestId(requestId)).as("request id travels in the Kafka header").isTrue();

    var actions = cloud.call(HttpMethod.GET, "/v2.1/servers/" + id + "/os-instance-actions", member.token(), null)
        .bodyAsJsonObject().getJsonArray("instanceActions");
    assertThat(actions.getJsonObject(0).getString("action")).isEqualTo("create");
    assertThat(actions.getJsonObject(0).getString("request_id")).isEqualTo(requestId);
  }

  @Test
  @DisplayName("a boot's adminPass and user_data are answered and kept, but never written to strato.boot-requests")
  void bootRequestCarriesNoSecrets() {
    var member = cloud.newProject("secrets");
    String adminPass = "Adm1nPass-" + UUID.randomUUID();
    String userData = Base64.getEncoder().encodeToString(("#cloud-config\npassword: " + UUID.randomUUID())
        .getBytes(StandardCharsets.UTF_8));
    JsonObject body = cloud.server("quiet");
    body.getJsonObject("server").put("adminPass", adminPass).put("user_data", userData);
    var resp = cloud.call(HttpMethod.POST, "/v2.1/servers", member.token(), body);
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(202);
    JsonObject server = resp.bodyAsJsonObject().getJsonObject("server");
    assertThat(server.getString("adminPass")).as("Nova returns adminPass in the create reply").isEqualTo(adminPass);
    String id = server.getString("id");

    String record = watcher.rawFor(id);
    assertThat(record).doesNotContain(adminPass).doesNotContain(userData).doesNotContain("admin_pass")
        .doesNotContain("user_data");
    JsonObject shown = cloud.identity.call(HttpMethod.GET, cloud.computePort, "/v2.1/servers/" + id,
        cloud.adminToken(), null, Map.of("OpenStack-API-Version", "compute 2.3")).bodyAsJsonObject()
        .getJsonObject("server");
    assertThat(shown.getString("OS-EXT-SRV-ATTR:user_data")).as("the instance keeps its user_data")
        .isEqualTo(userData);
  }

  @Test
  @DisplayName("multi-create makes max_count servers named name-1..N in one boot request")
  void multiCreate() {
    var member = cloud.newProject("multi");
    JsonObject body = cloud.server("web");
    body.getJsonObject("server").put("min_count", 2).put("max_count", 3).put("return_reservation_id", true);
    var resp = cloud.call(HttpMethod.POST, "/v2.1/servers", member.token(), body);
    assertThat(resp.statusCode()).isEqualTo(202);
    String reservation = resp.bodyAsJsonObject().getString("reservation_id");
    var list = cloud.call(HttpMethod.GET, "/v2.1/servers/detail?reservation_id=" + reservation, member.token(), null)
        .bodyAsJsonObject().getJsonArray("servers");
    assertThat(list.stream().map(s -> ((JsonObject) s).getString("name"))).containsExactlyInAnyOrder("web-1",
        "web-2", "web-3");
    BootRequest boot = watcher.awaitFor(list.getJsonObject(0).getString("id"));
    assertThat(boot.instanceIds()).hasSize(3);
    assertThat(boot.reservationId()).isEqualTo(reservation);
  }

  @Test
  @DisplayName("50 parallel creates against a quota of 10 instances give exactly 10 servers; the rest get 403")
  void quotaHoldsUnderConcurrency() {
    var member = cloud.newProject("quota");
    assertThat(cloud.call(HttpMethod.PUT, "/v2.1/os-quota-sets/" + member.projectId(), cloud.adminToken(),
        new JsonObject().put("quota_set", new JsonObject().put("instances", 10).put("cores", 100)))
        .statusCode()).isEqualTo(200);
    List<Future<HttpResponse<io.vertx.core.buffer.Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      calls.add(cloud.http.request(HttpMethod.POST, cloud.computePort, "127.0.0.1", "/v2.1/servers")
          .putHeader("X-Auth-Token", member.token()).sendJsonObject(cloud.server("q" + i)));
    }
    TestCloud.await(Future.join(calls));
    long accepted = calls.stream().filter(f -> f.result().statusCode() == 202).count();
    long refused = calls.stream().filter(f -> f.result().statusCode() == 403).count();
    assertThat(accepted).isEqualTo(10);
    assertThat(refused).isEqualTo(40);
    assertThat(calls.stream().filter(f -> f.result().statusCode() == 403).findFirst().orElseThrow().result()
        .bodyAsJsonObject().getJsonObject("forbidden").getString("message")).contains("Quota exceeded for instances");
    var servers = cloud.call(HttpMethod.GET, "/v2.1/servers", member.token(), null).bodyAsJsonObject()
        .getJsonArray("servers");
    assertThat(servers).hasSize(10);
    var limits = cloud.call(HttpMethod.GET, "/v2.1/limits", member.token(), null).bodyAsJsonObject()
        .getJsonObject("limits").getJsonObject("absolute");
    assertThat(limits.getInteger("totalInstancesUsed")).isEqualTo(10);
    assertThat(limits.getInteger("maxTotalInstances")).isEqualTo(10);
  }

  @Test
  @DisplayName("a server not yet on a host is deleted at once (204, then 404), gives its quota back and cancels its "
      + "boot request on strato.cancellations, so no scheduler places it")
  void deleteUnscheduledServer() {
    var member = cloud.newProject("delete");
    String id = cloud.call(HttpMethod.POST, "/v2.1/servers", member.token(), cloud.server("gone"))
        .bodyAsJsonObject().getJsonObject("server").getString("id");
    assertThat(cloud.call(HttpMethod.DELETE, "/v2.1/servers/" + id, member.token(), null).statusCode()).isEqualTo(204);
    var after = cloud.call(HttpMethod.GET, "/v2.1/servers/" + id, member.token(), null);
    assertThat(after.statusCode()).isEqualTo(404);
    assertThat(after.bodyAsJsonObject().getJsonObject("itemNotFound").getInteger("code")).isEqualTo(404);
    var limits = cloud.call(HttpMethod.GET, "/v2.1/limits", member.token(), null).bodyAsJsonObject()
        .getJsonObject("limits").getJsonObject("absolute");
    assertThat(limits.getInteger("totalInstancesUsed")).isZero();
    assertThat(cloud.call(HttpMethod.DELETE, "/v2.1/servers/" + id, member.token(), null).statusCode()).isEqualTo(404);
    assertThat(Cancellation.fromJson(TopicRecords.keyed(cloud.settings, Topics.CANCELLATIONS, id)).instanceId())
        .isEqualTo(id);
  }

  @Test
  @DisplayName("a member sees only its project's servers; an admin sees all with all_tenants")
  void projectIsolation() {
    var alice = cloud.newProject("alice");
    var bob = cloud.newProject("bob");
    String id = cloud.call(HttpMethod.POST, "/v2.1/servers", alice.token(), cloud.server("private"))
        .bodyAsJsonObject().getJsonObject("server").getString("id");
    assertThat(cloud.call(HttpMethod.GET, "/v2.1/servers/" + id, bob.token(), null).statusCode()).isEqualTo(404);
    assertThat(cloud.call(HttpMethod.DELETE, "/v2.1/servers/" + id, bob.token(), null).statusCode()).isEqualTo(404);
    assertThat(cloud.call(HttpMethod.GET, "/v2.1/servers", bob.token(), null).bodyAsJsonObject()
        .getJsonArray("servers").stream().map(s -> ((JsonObject) s).getString("id"))).doesNotContain(id);
    String admin = cloud.adminToken();
    assertThat(cloud.call(HttpMethod.GET, "/v2.1/servers?all_tenants=1", admin, null).bodyAsJsonObject()
        .getJsonArray("servers").stream().map(s -> ((JsonObject) s).getString("id"))).contains(id);
    JsonObject asAdmin = cloud.call(HttpMethod.GET, "/v2.1/servers/" + id, admin, null).bodyAsJsonObject()
        .getJsonObject("server");
    assertThat(asAdmin.getString("OS-EXT-SRV-ATTR:instance_name")).startsWith("instance-");
    assertThat(cloud.call(HttpMethod.GET, "/v2.1/os-quota-sets/" + alice.projectId(), bob.token(), null)
        .statusCode()).isEqualTo(403);
  }

  @Test
  @DisplayName("list filters: name regex, status, limit and marker with a next link")
  void listFilters() {
    var member = cloud.newProject("list");
    for (String name : List.of("db-1", "db-2", "web-1")) {
      assertThat(cloud.call(HttpMethod.POST, "/v2.1/servers", member.token(), cloud.server(name)).statusCode())
          .isEqualTo(202);
    }
    var dbs = cloud.call(HttpMethod.GET, "/v2.1/servers?name=^db", member.token(), null).bodyAsJsonObject()
        .getJsonArray("servers");
    assertThat(dbs.stream().map(s -> ((JsonObject) s).getString("name"))).containsExactlyInAnyOrder("db-1", "db-2");
    assertThat(cloud.call(HttpMethod.GET, "/v2.1/servers?status=ACTIVE", member.token(), null).bodyAsJsonObject()
        .getJsonArray("servers")).isEmpty();
    assertThat(cloud.call(HttpMethod.GET, "/v2.1/servers/detail?status=BUILD", member.token(), null)
        .bodyAsJsonObject().getJsonArray("servers")).hasSize(3);
    JsonObject page = cloud.call(HttpMethod.GET, "/v2.1/servers?limit=2", member.token(), null).bodyAsJsonObject();
    assertThat(page.getJsonArray("servers")).hasSize(2);
    String next = page.getJsonArray("servers_links").getJsonObject(0).getString("href");
    String marker = next.substring(next.indexOf("marker=") + 7);
    var rest = cloud.call(HttpMethod.GET, "/v2.1/servers?limit=2&marker=" + marker, member.token(), null)
        .bodyAsJsonObject().getJsonArray("servers");
    assertThat(rest).hasSize(1);
    assertThat(cloud.call(HttpMethod.GET, "/v2.1/servers?marker=" + java.util.UUID.randomUUID(), member.token(), null)
        .statusCode()).isEqualTo(400);
    assertThat(cloud.call(HttpMethod.GET, "/v2.1/servers?limit=x", member.token(), null).statusCode()).isEqualTo(400);
    assertThat(cloud.call(HttpMethod.GET, "/v2.1/servers?name=(", member.token(), null).statusCode())
        .as("an invalid regular expression is the caller's error").isEqualTo(400);
  }

  @Test
  @DisplayName("stop, start and reboot of a server still building answer 409; unknown actions 400")
  void actionsNeedTheRightState() {
    var member = cloud.newProject("actions");
    String id = cloud.call(HttpMethod.POST, "/v2.1/servers", member.token(), cloud.server("busy"))
        .bodyAsJsonObject().getJsonObject("server").getString("id");
    String path = "/v2.1/servers/" + id + "/action";
    var stop = cloud.call(HttpMethod.POST, path, member.token(), new JsonObject().putNull("os-stop"));
    assertThat(stop.statusCode()).isEqualTo(409);
    assertThat(stop.bodyAsJsonObject().getJsonObject("conflictingRequest").getString("message")).contains("building");
    assertThat(cloud.call(HttpMethod.POST, path, member.token(), new JsonObject().putNull("os-start")).statusCode())
        .isEqualTo(409);
    assertThat(cloud.call(HttpMethod.POST, path, member.token(), new JsonObject().put("reboot",
        new JsonObject().put("type", "HARD"))).statusCode()).isEqualTo(409);
    assertThat(cloud.call(HttpMethod.POST, path, member.token(), new JsonObject().put("reboot",
        new JsonObject().put("type", "GENTLE"))).statusCode()).isEqualTo(400);
    assertThat(cloud.call(HttpMethod.POST, path, member.token(), new JsonObject().putNull("os-explode")).statusCode())
        .isEqualTo(400);
  }

  @Test
  @DisplayName("an anti-affinity group is carried to the scheduler with the boot request")
  void serverGroupHint() {
    var member = cloud.newProject("group");
    var group = cloud.call(HttpMethod.POST, "/v2.1/os-server-groups", member.token(), new JsonObject()
        .put("server_group", new JsonObject().put("name", "spread").put("policies", new JsonArray()
            .add("anti-affinity"))));
    assertThat(group.statusCode()).isEqualTo(200);
    String groupId = group.bodyAsJsonObject().getJsonObject("server_group").getString("id");
    JsonObject body = cloud.server("spread").put("os:scheduler_hints", new JsonObject().put("group", groupId));
    body.getJsonObject("server").put("max_count", 2);
    var resp = cloud.call(HttpMethod.POST, "/v2.1/servers", member.token(), body);
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(202);
    BootRequest boot = watcher.awaitFor(resp.bodyAsJsonObject().getJsonObject("server").getString("id"));
    assertThat(boot.group().policy()).isEqualTo("anti-affinity");
    assertThat(boot.group().id()).isEqualTo(groupId);
    var shown = cloud.call(HttpMethod.GET, "/v2.1/os-server-groups/" + groupId, member.token(), null)
        .bodyAsJsonObject().getJsonObject("server_group");
    assertThat(shown.getJsonArray("members")).hasSize(2);
    assertThat(cloud.call(HttpMethod.POST, "/v2.1/os-server-groups", member.token(), new JsonObject()
        .put("server_group", new JsonObject().put("name", "x").put("policies", new JsonArray().add("soft-affinity"))))
        .statusCode()).as("soft policies need 2.15").isEqualTo(400);
    assertThat(cloud.call(HttpMethod.POST, cloud.computePort, "/v2.1/os-server-groups", member.token(),
        new JsonObject().put("server_group", new JsonObject().put("name", "x").put("policies",
            new JsonArray().add("soft-affinity"))), Map.of("OpenStack-API-Version", "compute 2.15")).statusCode())
        .isEqualTo(200);
  }
}
