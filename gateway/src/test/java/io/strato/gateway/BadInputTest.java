package io.strato.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.auth.Token;
import io.strato.common.auth.TokenCodec;
import io.strato.embedded.SharedInfrastructure;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every bad input answers a 4xx with Nova's fault body, never a 500 or a hang. */
@ExtendWith(SharedInfrastructure.class)
class BadInputTest {
  private static TestCloud cloud;
  private static io.strato.testkit.TestIdentity.Member member;

  @BeforeAll
  static void start() {
    cloud = TestCloud.get();
    member = cloud.newProject("bad");
  }

  static Stream<Arguments> badServers() {
    return Stream.of(
        bad("no name", s -> s.remove("name"), "'name' is a required property"),
        bad("name of the wrong type", s -> s.put("name", 42), "is not of type 'string'"),
        bad("flavorRef as an object", s -> s.put("flavorRef", new JsonObject()), "Invalid flavorRef"),
        bad("unknown flavor", s -> s.put("flavorRef", "999"), "Flavor 999 could not be found"),
        bad("no imageRef", s -> s.remove("imageRef"), "Missing imageRef"),
        bad("imageRef not a uuid", s -> s.put("imageRef", "cirros"), "Invalid imageRef"),
        bad("unknown image", s -> s.put("imageRef", UUID.randomUUID().toString()), "could not be found"),
        bad("min_count of zero", s -> s.put("min_count", 0), "min_count"),
        bad("min_count above max_count", s -> s.put("min_count", 3).put("max_count", 2), "min_count must be <="),
        bad("a network that is not a uuid", s -> s.put("networks", new JsonArray().add(new JsonObject()
            .put("uuid", "private"))), "is not a 'uuid'"),
        bad("networks of the wrong shape", s -> s.put("networks", "everywhere"), "networks"),
        bad("user_data not base64", s -> s.put("user_data", "not base64 !!"), "base 64"),
        bad("metadata values not strings", s -> s.put("metadata", new JsonObject().put("k", 1)), "metadata"),
        bad("an unknown key pair", s -> s.put("key_name", "nope"), "Invalid key_name"),
        bad("an unknown availability zone", s -> s.put("availability_zone", "mars"), "availability zone"),
        bad("an unknown property", s -> s.put("colour", "blue"), "Additional properties are not allowed"),
        bad("a block device with a bad source", s -> s.put("block_device_mapping_v2", new JsonArray()
            .add(new JsonObject().put("source_type", "cloud").put("boot_index", 0))), "source_type"),
        bad("description before 2.19", s -> s.put("description", "x"), "Additional properties"),
        bad("a disk config that is neither AUTO nor MANUAL", s -> s.put("OS-DCF:diskConfig", new JsonArray()
            .add("AUTO")), "is not one of ['AUTO', 'MANUAL']"));
  }

  private static Arguments bad(String what, Consumer<JsonObject> change, String message) {
    return Arguments.of(what, change, message);
  }

  @ParameterizedTest(name = "{0} answers 400 badRequest")
  @MethodSource("badServers")
  void badServerBodies(String what, Consumer<JsonObject> change, String message) {
    JsonObject body = cloud.server("bad");
    change.accept(body.getJsonObject("server"));
    var resp = cloud.call(HttpMethod.POST, "/v2.1/servers", member.token(), body);
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(400);
    assertThat(resp.bodyAsJsonObject().getJsonObject("badRequest").getString("message")).contains(message);
    assertThat(resp.bodyAsJsonObject().getJsonObject("badRequest").getInteger("code")).isEqualTo(400);
  }

  static Stream<Arguments> badOtherBodies() {
    String quotas = "/v2.1/os-quota-sets/" + UUID.randomUUID().toString().replace("-", "");
    return Stream.of(
        Arguments.of("admin", HttpMethod.POST, "/v2.1/flavors", "{\"flavor\":{\"name\":\"x\",\"ram\":64,"
            + "\"vcpus\":1,\"disk\":1,\"colour\":\"blue\"}}", "Additional properties are not allowed"),
        Arguments.of("admin", HttpMethod.PUT, quotas, "{\"quota_set\":{\"instances\":18446744073709551616}}",
            "is not between"),
        Arguments.of("admin", HttpMethod.PUT, quotas, "{\"quota_set\":{\"cores\":-18446744073709551617}}",
            "is not between"),
        Arguments.of("member", HttpMethod.POST, "/v2.1/os-keypairs", "{\"keypair\":{\"name\":\"k\","
            + "\"colour\":\"blue\"}}", "Additional properties are not allowed"),
        Arguments.of("member", HttpMethod.POST, "/v2.1/os-server-groups", "{\"server_group\":{\"name\":\"g\","
            + "\"policies\":[\"affinity\"],\"colour\":1}}", "Additional properties are not allowed"));
  }

  @ParameterizedTest(name = "{1} {2} {3} answers 400")
  @MethodSource("badOtherBodies")
  void badOtherBodies(String who, HttpMethod method, String path, String body, String message) {
    var resp = cloud.call(method, path, who.equals("admin") ? cloud.adminToken() : member.token(), body);
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(400);
    assertThat(resp.bodyAsJsonObject().getJsonObject("badRequest").getString("message")).contains(message);
  }

  @Test
  @DisplayName("a reboot or console-output action with an unknown member answers 400 before looking at the server")
  void badActionBodies() {
    String server = cloud.call(HttpMethod.POST, "/v2.1/servers", member.token(), cloud.server("act"))
        .bodyAsJsonObject().getJsonObject("server").getString("id");
    for (String body : List.of("{\"reboot\":{\"type\":\"HARD\",\"colour\":1}}",
        "{\"os-getConsoleOutput\":{\"length\":5,\"colour\":1}}")) {
      var resp = cloud.call(HttpMethod.POST, "/v2.1/servers/" + server + "/action", member.token(), body);
      assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(400);
      assertThat(resp.bodyAsString()).contains("Additional properties are not allowed");
    }
  }

  @Test
  @DisplayName("malformed JSON, a non-object body and a missing 'server' answer 400")
  void malformedBodies() {
    for (Object body : List.of("{\"server\": ", "[1,2]", "42", new JsonObject().put("servers", new JsonObject()))) {
      var resp = cloud.call(HttpMethod.POST, "/v2.1/servers", member.token(), body);
      assertThat(resp.statusCode()).as(body.toString()).isEqualTo(400);
      assertThat(resp.bodyAsJsonObject().containsKey("badRequest")).isTrue();
    }
  }

  @Test
  @DisplayName("a body over the size limit answers 413 overLimit")
  void oversizeBody() {
    JsonObject body = cloud.server("big");
    body.getJsonObject("server").put("user_data", "A".repeat(2_000_000));
    var resp = cloud.call(HttpMethod.POST, "/v2.1/servers", member.token(), body);
    assertThat(resp.statusCode()).isEqualTo(413);
    assertThat(resp.bodyAsJsonObject().containsKey("overLimit")).isTrue();
  }

  @Test
  @DisplayName("missing, forged, tampered and expired tokens answer 401 unauthorized")
  void badTokens() {
    assertThat(cloud.call(HttpMethod.GET, "/v2.1/servers", null, null).statusCode()).isEqualTo(401);
    assertThat(cloud.call(HttpMethod.GET, "/v2.1/servers", "garbage", null).bodyAsJsonObject()
        .getJsonObject("unauthorized").getInteger("code")).isEqualTo(401);
    String good = member.token();
    String tampered = good.substring(0, 10) + (good.charAt(10) == 'A' ? 'B' : 'A') + good.substring(11);
    assertThat(cloud.call(HttpMethod.GET, "/v2.1/servers", tampered, null).statusCode()).isEqualTo(401);
    var forger = TokenCodec.newKeyPair();
    long now = System.currentTimeMillis();
    Token claims = new Token(member.userId(), "x", "default", member.projectId(), "x", "default",
        List.of(new Token.Role("r", "admin")), List.of("password"), now, now + 3_600_000, "forged-audit");
    String forged = TokenCodec.sign(claims, forger.getPrivate());
    assertThat(cloud.call(HttpMethod.GET, "/v2.1/servers", forged, null).statusCode())
        .as("a token signed by another key").isEqualTo(401);
  }

  @ParameterizedTest(name = "GET {0} answers 400 badRequest within 5 s")
  @ValueSource(strings = {"/v2.1/flavors?marker=nope", "/v2.1/flavors/detail?marker=nope",
      "/v2.1/flavors/detail?limit=1&marker=00000000-0000-0000-0000-000000000000", "/v2.1/servers?marker=nope",
      "/v2.1/servers/detail?marker=00000000-0000-0000-0000-000000000000"})
  void unknownMarkers(String path) {
    var resp = io.strato.testkit.TestIdentity.await(cloud.http.request(HttpMethod.GET, cloud.computePort,
        "127.0.0.1", path).putHeader("X-Auth-Token", member.token()).timeout(5_000).send());
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(400);
    String marker = path.substring(path.indexOf("marker=") + "marker=".length());
    assertThat(resp.bodyAsJsonObject().getJsonObject("badRequest").getString("message"))
        .isEqualTo("marker [" + marker + "] not found");
  }

  @ParameterizedTest(name = "a query that is not percent-encoding ({0}) answers 400 in the API's fault format")
  @ValueSource(strings = {"compute /v2.1/servers?name=%zz", "compute /v2.1/flavors?marker=%",
      "compute /v2.1/os-keypairs?user_id=%zz", "image /v2/images?name=%zz", "identity /v3/projects?name=%zz",
      "identity /v3/auth/projects?x=%"})
  void malformedQueries(String target) {
    String service = target.substring(0, target.indexOf(' '));
    String path = target.substring(service.length() + 1);
    int port = switch (service) {
      case "compute" -> cloud.computePort;
      case "image" -> cloud.imagePort;
      default -> cloud.identity.port;
    };
    var resp = io.strato.testkit.TestIdentity.await(cloud.http.request(HttpMethod.GET, port, "127.0.0.1", path)
        .putHeader("X-Auth-Token", cloud.adminToken()).timeout(5_000).send());
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(400);
    JsonObject fault = resp.bodyAsJsonObject();
    assertThat(fault.getJsonObject(service.equals("identity") ? "error" : "badRequest").getInteger("code"))
        .isEqualTo(400);
  }

  @Test
  @DisplayName("unknown servers and unknown routes answer 404 itemNotFound; a wrong method 405")
  void notFound() {
    assertThat(cloud.call(HttpMethod.GET, "/v2.1/servers/" + UUID.randomUUID(), member.token(), null).statusCode())
        .isEqualTo(404);
    assertThat(cloud.call(HttpMethod.GET, "/v2.1/servers/not-a-uuid", member.token(), null).statusCode())
        .isEqualTo(404);
    var route = cloud.call(HttpMethod.GET, "/v2.1/os-nothing", member.token(), null);
    assertThat(route.statusCode()).isEqualTo(404);
    assertThat(route.bodyAsJsonObject().containsKey("itemNotFound")).isTrue();
    assertThat(cloud.call(HttpMethod.PATCH, "/v2.1/flavors", member.token(), null).statusCode()).isEqualTo(405);
  }
}
