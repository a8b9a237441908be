package io.strato.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.embedded.SharedInfrastructure;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Version discovery, microversions, flavors, key pairs, quotas and zones. */
@ExtendWith(SharedInfrastructure.class)
class ComputeApiTest {
  private static TestCloud cloud;
  private static io.strato.testkit.TestIdentity.Member member;

  @BeforeAll
  static void start() {
    cloud = TestCloud.get();
    member = cloud.newProject("compute");
  }

  @Test
  @DisplayName("GET / and GET /v2.1 advertise v2.1 with its microversion range, without a token")
  void versionDiscovery() {
    JsonObject root = cloud.call(HttpMethod.GET, "/", null, null).bodyAsJsonObject();
    JsonObject v = root.getJsonArray("versions").getJsonObject(0);
    assertThat(v.getString("id")).isEqualTo("v2.1");
    assertThat(v.getString("min_version")).isEqualTo("2.1");
    assertThat(v.getString("version")).isEqualTo(Microversion.MAX.toString());
    assertThat(cloud.call(HttpMethod.GET, "/v2.1/", null, null).bodyAsJsonObject().getJsonObject("version")
        .getString("status")).isEqualTo("CURRENT");
  }

  @ParameterizedTest(name = "{0}: {1} -> {2}")
  @CsvSource({
      "OpenStack-API-Version, compute 2.5, 200",
      "OpenStack-API-Version, compute latest, 200",
      "X-OpenStack-Nova-API-Version, 2.19, 200",
      "OpenStack-API-Version, compute 2.99, 406",
      "X-OpenStack-Nova-API-Version, 2.0, 406",
      "OpenStack-API-Version, compute two, 400"})
  void microversions(String header, String value, int status) {
    var resp = cloud.call(HttpMethod.GET, cloud.computePort, "/v2.1/flavors", member.token(), null,
        Map.of(header, value));
    assertThat(resp.statusCode()).isEqualTo(status);
    if (status == 200) {
      String expected = value.endsWith("latest") ? Microversion.MAX.toString() : value.replace("compute ", "");
      assertThat(resp.getHeader("OpenStack-API-Version")).isEqualTo("compute " + expected);
      assertThat(resp.getHeader("X-OpenStack-Nova-API-Version")).isEqualTo(expected);
      assertThat(resp.getHeader("Vary")).contains("OpenStack-API-Version");
    } else if (status == 406) {
      assertThat(resp.bodyAsJsonObject().containsKey("notAcceptable")).isTrue();
    }
  }

  @Test
  @DisplayName("the five m1 flavors are listed; admins create and delete flavors, members get 403")
  void flavors() {
    var list = cloud.call(HttpMethod.GET, "/v2.1/flavors/detail", member.token(), null).bodyAsJsonObject()
        .getJsonArray("flavors");
    assertThat(list.stream().map(f -> ((JsonObject) f).getString("name")))
        .contains("m1.tiny", "m1.small", "m1.medium", "m1.large", "m1.xlarge");
    JsonObject tiny = cloud.call(HttpMethod.GET, "/v2.1/flavors/1", member.token(), null).bodyAsJsonObject()
        .getJsonObject("flavor");
    assertThat(tiny.getInteger("ram")).isEqualTo(512);
    assertThat(tiny.getString("swap")).isEmpty();
    assertThat(tiny.getBoolean("os-flavor-access:is_public")).isTrue();
    assertThat(cloud.call(HttpMethod.GET, "/v2.1/flavors/m1.tiny", member.token(), null).statusCode()).isEqualTo(404);

    JsonObject flavor = new JsonObject().put("flavor", new JsonObject().put("name", "c1.test-" + System.nanoTime())
        .put("ram", 1024).put("vcpus", 2).put("disk", 10));
    assertThat(cloud.call(HttpMethod.POST, "/v2.1/flavors", member.token(), flavor).statusCode()).isEqualTo(403);
    String admin = cloud.adminToken();
    var created = cloud.call(HttpMethod.POST, "/v2.1/flavors", admin, flavor);
    assertThat(created.statusCode()).isEqualTo(200);
    String id = created.bodyAsJsonObject().getJsonObject("flavor").getString("id");
    assertThat(cloud.call(HttpMethod.POST, "/v2.1/flavors", admin, flavor).statusCode()).isEqualTo(409);
    assertThat(cloud.call(HttpMethod.POST, "/v2.1/flavors", admin, new JsonObject().put("flavor",
        new JsonObject().put("name", "neg").put("ram", -1).put("vcpus", 1).put("disk", 1))).statusCode())
        .isEqualTo(400);
    assertThat(cloud.call(HttpMethod.POST, "/v2.1/flavors/" + id + "/os-extra_specs", admin, new JsonObject()
        .put("extra_specs", new JsonObject().put("hw:cpu_policy", "dedicated"))).statusCode()).isEqualTo(200);
    assertThat(cloud.call(HttpMethod.GET, "/v2.1/flavors/" + id + "/os-extra_specs/hw:cpu_policy", member.token(),
        null).bodyAsJsonObject().getString("hw:cpu_policy")).isEqualTo("dedicated");
    assertThat(cloud.call(HttpMethod.DELETE, "/v2.1/flavors/" + id, admin, null).statusCode()).isEqualTo(202);
    assertThat(cloud.call(HttpMethod.GET, "/v2.1/flavors/" + id, admin, null).statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("key pairs: generated ones return their private key once, imported ones are checked")
  void keypairs() {
    var generated = cloud.call(HttpMethod.POST, "/v2.1/os-keypairs", member.token(), new JsonObject()
        .put("keypair", new JsonObject().put("name", "gen")));
    assertThat(generated.statusCode()).isEqualTo(200);
    JsonObject key = generated.bodyAsJsonObject().getJsonObject("keypair");
    assertThat(key.getString("private_key")).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(key.getString("public_key")).startsWith("ssh-rsa ");
    assertThat(key.getString("fingerprint")).matches("([0-9a-f]{2}:){15}[0-9a-f]{2}");

    String publicKey = key.getString("public_key");
    var imported = cloud.call(HttpMethod.POST, cloud.computePort, "/v2.1/os-keypairs", member.token(),
        new JsonObject().put("keypair", new JsonObject().put("name", "imported").put("public_key", publicKey)),
        Map.of("OpenStack-API-Version", "compute 2.2"));
    assertThat(imported.statusCode()).isEqualTo(201);
    assertThat(imported.bodyAsJsonObject().getJsonObject("keypair").getString("fingerprint"))
        .isEqualTo(key.getString("fingerprint"));
    assertThat(imported.bodyAsJsonObject().getJsonObject("keypair").containsKey("private_key")).isFalse();
    assertThat(cloud.call(HttpMethod.POST, "/v2.1/os-keypairs", member.token(), new JsonObject()
        .put("keypair", new JsonObject().put("name", "gen"))).statusCode()).isEqualTo(409);
    var garbage = cloud.call(HttpMethod.POST, "/v2.1/os-keypairs", member.token(), new JsonObject()
        .put("keypair", new JsonObject().put("name", "junk").put("public_key", "ssh-rsa not-base64!")));
    assertThat(garbage.statusCode()).isEqualTo(400);
    assertThat(cloud.call(HttpMethod.POST, "/v2.1/os-keypairs", member.token(), new JsonObject()
        .put("keypair", new JsonObject().put("name", "bad/name"))).statusCode()).isEqualTo(400);

    var list = cloud.call(HttpMethod.GET, "/v2.1/os-keypairs", member.token(), null).bodyAsJsonObject()
        .getJsonArray("keypairs");
    assertThat(list.stream().map(k -> ((JsonObject) k).getJsonObject("keypair").getString("name")))
        .containsExactly("gen", "imported");
    assertThat(cloud.call(HttpMethod.GET, "/v2.1/os-keypairs/gen", member.token(), null).bodyAsJsonObject()
        .getJsonObject("keypair").getString("user_id")).isEqualTo(member.userId());
    assertThat(cloud.call(HttpMethod.DELETE, "/v2.1/os-keypairs/gen", member.token(), null).statusCode())
        .isEqualTo(202);
    assertThat(cloud.call(HttpMethod.GET, "/v2.1/os-keypairs/gen", member.token(), null).statusCode()).isEqualTo(404);

    JsonObject body = cloud.server("keyed");
    body.getJsonObject("server").put("key_name", "imported");
    assertThat(cloud.call(HttpMethod.POST, "/v2.1/servers", member.token(), body).statusCode()).isEqualTo(202);
  }

  @Test
  @DisplayName("quota sets show defaults and usage; only admins change them, with validated values")
  void quotaSets() {
    String path = "/v2.1/os-quota-sets/" + member.projectId();
    JsonObject set = cloud.call(HttpMethod.GET, path, member.token(), null).bodyAsJsonObject()
        .getJsonObject("quota_set");
    assertThat(set.getInteger("instances")).isEqualTo(10);
    assertThat(set.getInteger("cores")).isEqualTo(20);
    assertThat(set.getInteger("ram")).isEqualTo(51200);
    JsonObject change = new JsonObject().put("quota_set", new JsonObject().put("instances", 20));
    assertThat(cloud.call(HttpMethod.PUT, path, member.token(), change).statusCode()).isEqualTo(403);
    String admin = cloud.adminToken();
    assertThat(cloud.call(HttpMethod.PUT, path, admin, change).bodyAsJsonObject().getJsonObject("quota_set")
        .getInteger("instances")).isEqualTo(20);
    assertThat(cloud.call(HttpMethod.PUT, path, admin, new JsonObject().put("quota_set", new JsonObject()
        .put("instances", "many"))).statusCode()).isEqualTo(400);
    assertThat(cloud.call(HttpMethod.PUT, path, admin, new JsonObject().put("quota_set", new JsonObject()
        .put("gpus", 3))).statusCode()).isEqualTo(400);
    JsonObject detail = cloud.call(HttpMethod.GET, path + "/detail", member.token(), null).bodyAsJsonObject()
        .getJsonObject("quota_set");
    assertThat(detail.getJsonObject("instances").getInteger("limit")).isEqualTo(20);
    assertThat(cloud.call(HttpMethod.DELETE, path, admin, null).statusCode()).isEqualTo(202);
    assertThat(cloud.call(HttpMethod.GET, path, member.token(), null).bodyAsJsonObject().getJsonObject("quota_set")
        .getInteger("instances")).isEqualTo(10);
  }

  @Test
  @DisplayName("the availability zone list shows nova; its detail is admin-only")
  void availabilityZones() {
    JsonObject zones = cloud.call(HttpMethod.GET, "/v2.1/os-availability-zone", member.token(), null)
        .bodyAsJsonObject();
    assertThat(zones.getJsonArray("availabilityZoneInfo").getJsonObject(0).getString("zoneName")).isEqualTo("nova");
    assertThat(cloud.call(HttpMethod.GET, "/v2.1/os-availability-zone/detail", member.token(), null).statusCode())
        .isEqualTo(403);
  }
}
