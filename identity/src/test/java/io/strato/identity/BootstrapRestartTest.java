package io.strato.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.embedded.SharedInfrastructure;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The bootstrap creates its users once; a restart never undoes what administrators did to them since. */
@ExtendWith(SharedInfrastructure.class)
class BootstrapRestartTest {
  private static final String SERVICE_USER = "bootstrap-service-" + UUID.randomUUID().toString().substring(0, 8);
  private static final Map<String, String> CONFIG = Map.of("service.user", SERVICE_USER,
      "service.password", "configured-pw", "service.project", "service");

  @Test
  @DisplayName("a restart neither re-enables a disabled service user nor resets its changed password")
  void restartKeepsAdministratorsChanges() {
    String userId;
    try (IdentityServer first = new IdentityServer(CONFIG)) {
      assertThat(first.login(SERVICE_USER, "configured-pw", "service", null).statusCode())
          .as("created with its grant").isEqualTo(201);
      String admin = first.adminToken();
      userId = first.call(HttpMethod.GET, "/v3/users?name=" + SERVICE_USER, admin, null).bodyAsJsonObject()
          .getJsonArray("users").getJsonObject(0).getString("id");
      assertThat(first.call(HttpMethod.PATCH, "/v3/users/" + userId, admin, new JsonObject().put("user",
          new JsonObject().put("enabled", false).put("password", "rotated-pw"))).statusCode()).isEqualTo(200);
    }
    try (IdentityServer restarted = new IdentityServer(CONFIG)) {
      String admin = restarted.adminToken();
      assertThat(restarted.call(HttpMethod.GET, "/v3/users/" + userId, admin, null).bodyAsJsonObject()
          .getJsonObject("user").getBoolean("enabled")).as("still disabled").isFalse();
      assertThat(restarted.login(SERVICE_USER, "configured-pw", "service", null).statusCode()).isEqualTo(401);
      assertThat(restarted.call(HttpMethod.PATCH, "/v3/users/" + userId, admin, new JsonObject().put("user",
          new JsonObject().put("enabled", true))).statusCode()).isEqualTo(200);
      assertThat(restarted.login(SERVICE_USER, "rotated-pw", "service", null).statusCode())
          .as("the rotated password holds").isEqualTo(201);
      assertThat(restarted.login(SERVICE_USER, "configured-pw", "service", null).statusCode()).isEqualTo(401);
    }
  }
}
