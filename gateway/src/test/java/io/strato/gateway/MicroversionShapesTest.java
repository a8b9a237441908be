package io.strato.gateway;

import static io.strato.gateway.TestCloud.assertFault;
import static org.assertj.core.api.Assertions.assertThat;

import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Responses shaped as the client's microversion asks, written from Nova's API reference (server show, server groups,
 * limits, create's schema): the exact set of fields at each boundary, so a field appears neither early nor late.
 */
@ExtendWith(SharedInfrastructure.class)
class MicroversionShapesTest {
  /** Nova's server show at 2.1 for an admin (no fault: the server is ACTIVE). */
  private static final Set<String> SHOW_21 = Set.of("id", "name", "status", "tenant_id", "user_id", "metadata",
      "hostId", "image", "flavor", "created", "updated", "addresses", "accessIPv4", "accessIPv6", "links",
      "OS-DCF:diskConfig", "progress", "OS-EXT-AZ:availability_zone", "config_drive", "key_name",
      "OS-SRV-USG:launched_at", "OS-SRV-USG:terminated_at", "OS-EXT-STS:vm_state", "OS-EXT-STS:task_state",
      "OS-EXT-STS:power_state", "os-extended-volumes:volumes_attached", "security_groups", "OS-EXT-SRV-ATTR:host",
      "OS-EXT-SRV-ATTR:hypervisor_hostname", "OS-EXT-SRV-ATTR:instance_name");
  /** 2.3's extended attributes, 2.9 locked, 2.16 host_status, 2.19 description, 2.26 tags. */
  private static final Set<String> ADDED_BY_247 = Set.of("OS-EXT-SRV-ATTR:reservation_id",
      "OS-EXT-SRV-ATTR:launch_index", "OS-EXT-SRV-ATTR:hostname", "OS-EXT-SRV-ATTR:kernel_id",
      "OS-EXT-SRV-ATTR:ramdisk_id", "OS-EXT-SRV-ATTR:root_device_name", "OS-EXT-SRV-ATTR:user_data", "locked",
      "host_status", "description", "tags");
  /** 2.63 trusted_image_certificates, 2.71 server_groups, 2.73 locked_reason. */
  private static final Set<String> ADDED_BY_273 = Set.of("trusted_image_certificates", "server_groups",
      "locked_reason");
  private static TestCloud cloud;
  private static TestIdentity.Member member;
  private static String serverId;

  @BeforeAll
  static void start() {
    cloud = TestCloud.get();
    member = cloud.newProject("shapes");
    var resp = cloud.call(HttpMethod.POST, "/v2.1/servers", member.token(), cloud.server("shaped"));
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(202);
    serverId = resp.bodyAsJsonObject().getJsonObject("server").getString("id");
    cloud.settle(serverId, "active", "h-shapes");
  }

  private static HttpResponse<Buffer> call(HttpMethod method, String path, String token, Object body,
      String version) {
    return cloud.call(method, cloud.computePort, path, token, body,
        Map.of("OpenStack-API-Version", "compute " + version));
  }

  private static JsonObject show(String token, String version) {
    var resp = call(HttpMethod.GET, "/v2.1/servers/" + serverId, token, null, version);
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(200);
    return resp.bodyAsJsonObject().getJsonObject("server");
  }

  private static Set<String> union(Set<String>... sets) {
    Set<String> all = new HashSet<>();
    for (Set<String> s : sets) all.addAll(s);
    return all;
  }

  @Test
  @DisplayName("server show for an admin has exactly Nova's fields at 2.1, 2.47, 2.73 and 2.79; the flavor is a"
      + " link before 2.47 and the embedded flavor from it")
  void serverShowPerVersion() {
    JsonObject v21 = show(cloud.adminToken(), "2.1");
    assertThat(v21.fieldNames()).containsExactlyInAnyOrderElementsOf(SHOW_21);
    assertThat(v21.getJsonObject("flavor").fieldNames()).containsExactlyInAnyOrder("id", "links");

    JsonObject v247 = show(cloud.adminToken(), "2.47");
    assertThat(v247.fieldNames()).containsExactlyInAnyOrderElementsOf(union(SHOW_21, ADDED_BY_247));
    JsonObject flavor = v247.getJsonObject("flavor");
    assertThat(flavor.fieldNames()).containsExactlyInAnyOrder("vcpus", "ram", "disk", "ephemeral", "swap",
        "original_name", "extra_specs");
    assertThat(flavor.getString("original_name")).isEqualTo("m1.tiny");
    assertThat(flavor.getValue("swap")).isInstanceOf(Integer.class);

    JsonObject v273 = show(cloud.adminToken(), "2.73");
    assertThat(v273.fieldNames()).containsExactlyInAnyOrderElementsOf(union(SHOW_21, ADDED_BY_247, ADDED_BY_273));
    assertThat(v273.getJsonArray("server_groups")).isEmpty();
    assertThat(v273.containsKey("locked_reason")).isTrue();
    assertThat(v273.getValue("locked_reason")).isNull();
    assertThat(v273.getValue("trusted_image_certificates")).isNull();

    JsonObject v279 = show(cloud.adminToken(), "2.79");
    assertThat(v279.fieldNames()).isEqualTo(v273.fieldNames());
  }

  @Test
  @DisplayName("at 2.79 a member sees no OS-EXT-SRV-ATTR fields nor host_status, and the list detail has no"
      + " server_groups (show only)")
  void memberAndListAt279() {
    JsonObject mine = show(member.token(), "2.79");
    assertThat(mine.fieldNames()).noneMatch(k -> k.startsWith("OS-EXT-SRV-ATTR:"));
    assertThat(mine.fieldNames()).doesNotContain("host_status").contains("locked_reason", "server_groups");

    var list = call(HttpMethod.GET, "/v2.1/servers/detail", member.token(), null, "2.79");
    assertThat(list.statusCode()).isEqualTo(200);
    JsonObject listed = list.bodyAsJsonObject().getJsonArray("servers").getJsonObject(0);
    assertThat(listed.fieldNames()).doesNotContain("server_groups").contains("locked_reason",
        "trusted_image_certificates");
  }

  @Test
  @DisplayName("server groups: policies and metadata before 2.64, policy and rules from it; the 2.64 body is"
      + " refused before and the old one after; rules are refused")
  void serverGroupsAt264() {
    var old = call(HttpMethod.POST, "/v2.1/os-server-groups", member.token(), new JsonObject().put("server_group",
        new JsonObject().put("name", "g1").put("policies", new JsonArray().add("anti-affinity"))), "2.63");
    assertThat(old.statusCode()).as(old.bodyAsString()).isEqualTo(200);
    assertThat(old.bodyAsJsonObject().getJsonObject("server_group").fieldNames())
        .containsExactlyInAnyOrder("id", "name", "policies", "members", "metadata", "project_id", "user_id");

    var created = call(HttpMethod.POST, "/v2.1/os-server-groups", member.token(), new JsonObject()
        .put("server_group", new JsonObject().put("name", "g2").put("policy", "affinity")), "2.64");
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(200);
    JsonObject group = created.bodyAsJsonObject().getJsonObject("server_group");
    assertThat(group.fieldNames())
        .containsExactlyInAnyOrder("id", "name", "policy", "rules", "members", "project_id", "user_id");
    assertThat(group.getString("policy")).isEqualTo("affinity");
    assertThat(group.getJsonObject("rules")).isEmpty();
    var shown = call(HttpMethod.GET, "/v2.1/os-server-groups/" + old.bodyAsJsonObject()
        .getJsonObject("server_group").getString("id"), member.token(), null, "2.79");
    assertThat(shown.bodyAsJsonObject().getJsonObject("server_group").getString("policy"))
        .isEqualTo("anti-affinity");

    assertFault(call(HttpMethod.POST, "/v2.1/os-server-groups", member.token(), new JsonObject()
        .put("server_group", new JsonObject().put("name", "g3").put("policy", "affinity")), "2.63"),
        400, "badRequest", "policy");
    assertFault(call(HttpMethod.POST, "/v2.1/os-server-groups", member.token(), new JsonObject().put("server_group",
        new JsonObject().put("name", "g4").put("policies", new JsonArray().add("affinity"))), "2.64"),
        400, "badRequest", "policies");
    assertFault(call(HttpMethod.POST, "/v2.1/os-server-groups", member.token(), new JsonObject()
        .put("server_group", new JsonObject().put("name", "g5").put("policy", "affinity")
            .put("rules", new JsonObject().put("max_server_per_host", 2))), "2.64"),
        400, "badRequest", "Only anti-affinity policy supports rules.");
  }

  @Test
  @DisplayName("limits drop the network proxy's fields at 2.36, maxImageMeta at 2.39 and personality at 2.57;"
      + " quota sets likewise, and an update naming a retired quota is refused")
  void limitsAndQuotas() {
    JsonObject at21 = call(HttpMethod.GET, "/v2.1/limits", member.token(), null, "2.1").bodyAsJsonObject()
        .getJsonObject("limits").getJsonObject("absolute");
    assertThat(at21.fieldNames()).contains("maxSecurityGroups", "maxImageMeta", "maxPersonality");
    JsonObject at257 = call(HttpMethod.GET, "/v2.1/limits", member.token(), null, "2.57").bodyAsJsonObject()
        .getJsonObject("limits").getJsonObject("absolute");
    assertThat(at257.fieldNames()).doesNotContain("maxSecurityGroups", "maxSecurityGroupRules",
        "maxTotalFloatingIps", "totalSecurityGroupsUsed", "totalFloatingIpsUsed", "maxImageMeta", "maxPersonality",
        "maxPersonalitySize").contains("maxServerMeta", "maxTotalInstances", "totalInstancesUsed");

    String path = "/v2.1/os-quota-sets/" + member.projectId();
    JsonObject set = call(HttpMethod.GET, path, member.token(), null, "2.57").bodyAsJsonObject()
        .getJsonObject("quota_set");
    assertThat(set.fieldNames()).containsExactlyInAnyOrder("id", "cores", "instances", "key_pairs",
        "metadata_items", "ram", "server_group_members", "server_groups");
    assertFault(call(HttpMethod.PUT, path, cloud.adminToken(), new JsonObject().put("quota_set",
        new JsonObject().put("floating_ips", 10)), "2.36"), 400, "badRequest", "floating_ips");
  }

  @Test
  @DisplayName("create: networks required from 2.37 ('auto' only from it), personality refused from 2.57,"
      + " trusted image certificates refused before 2.63 and, as Strato verifies no signatures, from it")
  void createSchemaPerVersion() {
    JsonObject noNetworks = cloud.server("no-nets");
    assertFault(call(HttpMethod.POST, "/v2.1/servers", member.token(), noNetworks, "2.37"), 400, "badRequest",
        "'networks' is a required property");
    JsonObject auto = cloud.server("auto-net");
    auto.getJsonObject("server").put("networks", "auto");
    assertFault(call(HttpMethod.POST, "/v2.1/servers", member.token(), auto, "2.36"), 400, "badRequest",
        "networks");
    JsonObject personality = cloud.server("files");
    personality.getJsonObject("server").put("networks", "none").put("personality", new JsonArray());
    assertFault(call(HttpMethod.POST, "/v2.1/servers", member.token(), personality, "2.57"), 400, "badRequest",
        "'personality' was unexpected");
    JsonObject certs = cloud.server("certs");
    certs.getJsonObject("server").put("networks", "none").put("trusted_image_certificates",
        new JsonArray().add("cert-1"));
    assertFault(call(HttpMethod.POST, "/v2.1/servers", member.token(), certs, "2.62"), 400, "badRequest",
        "'trusted_image_certificates' was unexpected");
    assertFault(call(HttpMethod.POST, "/v2.1/servers", member.token(), certs, "2.63"), 400, "badRequest",
        "not supported");
  }

  @Test
  @DisplayName("flavors: description from 2.55 (list and detail), extra_specs from 2.61, swap 0 rather than \"\" from"
      + " 2.75")
  void flavorsPerVersion() {
    JsonObject at21 = call(HttpMethod.GET, "/v2.1/flavors/1", member.token(), null, "2.1").bodyAsJsonObject()
        .getJsonObject("flavor");
    assertThat(at21.fieldNames()).doesNotContain("description", "extra_specs");
    assertThat(at21.getValue("swap")).isEqualTo("");
    JsonObject at261 = call(HttpMethod.GET, "/v2.1/flavors/1", member.token(), null, "2.61").bodyAsJsonObject()
        .getJsonObject("flavor");
    assertThat(at261.fieldNames()).contains("description", "extra_specs");
    assertThat(at261.getValue("swap")).isEqualTo("");
    JsonObject at275 = call(HttpMethod.GET, "/v2.1/flavors/1", member.token(), null, "2.75").bodyAsJsonObject()
        .getJsonObject("flavor");
    assertThat(at275.getValue("swap")).isEqualTo(0);
    JsonObject brief = call(HttpMethod.GET, "/v2.1/flavors", member.token(), null, "2.55").bodyAsJsonObject()
        .getJsonArray("flavors").getJsonObject(0);
    assertThat(brief.fieldNames()).containsExactlyInAnyOrder("id", "name", "links", "description");
  }
}
