package io.strato.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The resize, migrate, confirmResize and revertResize actions refuse bad input with Nova's status and fault body:
 * malformed bodies 400, an unknown flavor 400, a server in the wrong state 409, a member's migrate 403, an unknown
 * server 404. (The server here never leaves BUILD: this cloud has no scheduler.)
 */
@ExtendWith(SharedInfrastructure.class)
class ResizeApiTest {
  private static TestCloud cloud;
  private static TestIdentity.Member member;
  private static String id;

  @BeforeAll
  static void start() {
    cloud = TestCloud.get();
    member = cloud.newProject("resize");
    var created = cloud.call(HttpMethod.POST, "/v2.1/servers", member.token(), cloud.server("rs"));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(202);
    id = created.bodyAsJsonObject().getJsonObject("server").getString("id");
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of("{\"resize\": \"m1.small\"}", 400, "badRequest", "is not of type 'object'"),
        Arguments.of("{\"resize\": {}}", 400, "badRequest", "'flavorRef' is a required property"),
        Arguments.of("{\"resize\": {\"flavorRef\": \"2\", \"colour\": 1}}", 400, "badRequest",
            "Additional properties are not allowed"),
        Arguments.of("{\"resize\": {\"flavorRef\": {}}}", 400, "badRequest", "flavorRef"),
        Arguments.of("{\"resize\": {\"flavorRef\": \"2\", \"OS-DCF:diskConfig\": \"BIG\"}}", 400, "badRequest",
            "is not one of ['AUTO', 'MANUAL']"),
        Arguments.of("{\"resize\": {\"flavorRef\": \"no-such-flavor\"}}", 400, "badRequest",
            "Unable to locate requested flavor."),
        Arguments.of("{\"resize\": {\"flavorRef\": \"2\"}}", 409, "conflictingRequest", "vm_state building"),
        Arguments.of("{\"confirmResize\": {\"now\": true}}", 400, "badRequest", "is not of type 'null'"),
        Arguments.of("{\"confirmResize\": null}", 409, "conflictingRequest", "Cannot 'confirmResize'"),
        Arguments.of("{\"revertResize\": null}", 409, "conflictingRequest", "Cannot 'revertResize'"),
        Arguments.of("{\"migrate\": null}", 403, "forbidden", "os_compute_api:os-migrate-server:migrate"));
  }

  @ParameterizedTest(name = "{0} answers {1}")
  @MethodSource("refusals")
  void refused(String body, int status, String fault, String message) {
    var resp = cloud.call(HttpMethod.POST, "/v2.1/servers/" + id + "/action", member.token(), new JsonObject(body));
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(status);
    assertThat(resp.bodyAsJsonObject().getJsonObject(fault).getString("message")).contains(message);
  }

  @ParameterizedTest(name = "a resize of {0} answers 404")
  @MethodSource("unknownServers")
  void unknownServer(String server) {
    var resp = cloud.call(HttpMethod.POST, "/v2.1/servers/" + server + "/action", member.token(),
        new JsonObject("{\"resize\": {\"flavorRef\": \"2\"}}"));
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(404);
    assertThat(resp.bodyAsJsonObject().getJsonObject("itemNotFound").getString("message")).contains("could not be found");
  }

  static Stream<String> unknownServers() {
    return Stream.of(UUID.randomUUID().toString(), "not-a-uuid");
  }
}
