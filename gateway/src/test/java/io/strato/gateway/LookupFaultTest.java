package io.strato.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.FaultyDependency;
import io.strato.testkit.TestIdentity;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The compute API checks what a boot names in the services that own it; when one of them hangs or fails, the
 * caller gets a 503 in Nova's fault format naming that service within {@code compute.lookup.timeout.ms}, never a
 * hang, and nothing is created. A 5xx is asked again after a back-off first ({@code http.client.attempts}).
 */
@ExtendWith(SharedInfrastructure.class)
class LookupFaultTest {
  private final TestCloud cloud = TestCloud.get();

  private JsonObject bootOn(String network) {
    JsonObject body = cloud.server("lookup-fault");
    body.getJsonObject("server").put("networks", new JsonArray().add(new JsonObject().put("uuid", network)));
    return body;
  }

  private void assertNothingCreated(TestIdentity.Member member) {
    var list = cloud.call(HttpMethod.GET, "/v2.1/servers", member.token(), null);
    assertThat(list.bodyAsJsonObject().getJsonArray("servers")).isEmpty();
  }

  @Test
  @DisplayName("a network service that never answers: POST /servers answers 503 serviceUnavailable in time, not a hang")
  void networkServiceHangs() {
    var member = cloud.newProject("lookuphang");
    long timeout = cloud.settings.getLong("compute.lookup.timeout.ms");
    try (var network = FaultyDependency.start(cloud.vertx, FaultyDependency.Mode.HANG,
        cloud.settings.getInt("network.port"))) {
      long start = System.currentTimeMillis();
      var resp = cloud.call(HttpMethod.POST, "/v2.1/servers", member.token(), bootOn(UUID.randomUUID().toString()));
      long took = System.currentTimeMillis() - start;
      assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(503);
      assertThat(resp.bodyAsJsonObject().getJsonObject("serviceUnavailable").getString("message"))
          .contains("network service did not answer");
      assertThat(took).as("answered after %d ms", took).isLessThan(timeout + 3_000);
      assertThat(network.count("GET", "/v2.0/networks/")).isGreaterThanOrEqualTo(1);
    }
    assertNothingCreated(member);
  }

  @Test
  @DisplayName("a network service that answers 500: asked again with a back-off, then 503 serviceUnavailable naming it")
  void networkServiceFails() {
    var member = cloud.newProject("lookupfail");
    int attempts = cloud.settings.getInt("http.client.attempts");
    try (var network = FaultyDependency.start(cloud.vertx, FaultyDependency.Mode.FAIL,
        cloud.settings.getInt("network.port"))) {
      var resp = cloud.call(HttpMethod.POST, "/v2.1/servers", member.token(), bootOn(UUID.randomUUID().toString()));
      assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(503);
      assertThat(resp.bodyAsJsonObject().getJsonObject("serviceUnavailable").getString("message"))
          .contains("network service answered 500");
      assertThat(network.count("GET", "/v2.0/networks/")).as(network.requests().toString()).isEqualTo(attempts);
    }
    assertNothingCreated(member);
  }
}
