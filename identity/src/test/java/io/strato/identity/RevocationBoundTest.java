package io.strato.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.auth.TokenVerifier;
import io.strato.common.http.ApiException;
import io.strato.embedded.SharedInfrastructure;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A user revoking its own tokens in a loop grows neither identity's revocation table nor any service's memory. */
@ExtendWith(SharedInfrastructure.class)
class RevocationBoundTest {
  private static final int MAX_PER_USER = 5;
  private static IdentityServer identity;
  private static Vertx elsewhere;
  private static TokenVerifier otherService;

  @BeforeAll
  static void start() {
    identity = new IdentityServer(Map.of("token.revocation.max.per.user", String.valueOf(MAX_PER_USER)));
    elsewhere = Vertx.vertx();
    otherService = identity.verifier(elsewhere);
  }

  @AfterAll
  static void stop() {
    IdentityServer.await(elsewhere.close());
    identity.close();
  }

  private static int elsewhereStatus(String token) {
    try {
      otherService.verify(token);
      return 200;
    } catch (ApiException e) {
      return e.status();
    }
  }

  @Test
  @DisplayName("revoking its own tokens 8 times over the per-user bound leaves at most bound + 1 events anywhere")
  void selfRevocationLoopIsBounded() {
    String admin = identity.adminToken();
    String userId = identity.create(admin, "user", "revoker", new JsonObject().put("password", "pw"));
    String name = identity.name(admin, "user", userId);
    int heldBefore = otherService.revocations().size();
    String last = null;
    for (int i = 0; i < 8 * MAX_PER_USER; i++) {
      last = identity.token(name, "pw", null);
      var revoke = IdentityServer.await(identity.send(HttpMethod.DELETE, "/v3/auth/tokens", last, null,
          Map.of("X-Subject-Token", last)));
      assertThat(revoke.statusCode()).isEqualTo(204);
    }
    String lastRevoked = last;
    IdentityServer.eventually(() -> elsewhereStatus(lastRevoked) == 401);

    long served = identity.call(HttpMethod.GET, "/v3/OS-REVOKE/events", null, null).bodyAsJsonObject()
        .getJsonArray("events").stream().filter(e -> userId.equals(((JsonObject) e).getString("user_id"))).count();
    assertThat(served).as("events served for the user").isLessThanOrEqualTo(MAX_PER_USER + 1);
    assertThat(Integer.parseInt(identity.column("SELECT count(*) FROM revocations WHERE user_id = $1", userId)))
        .as("rows kept in PostgreSQL").isLessThanOrEqualTo(MAX_PER_USER + 1);
    assertThat(otherService.revocations().size() - heldBefore).as("events held by another service")
        .isLessThanOrEqualTo(MAX_PER_USER + 1);

    String fresh = identity.token(name, "pw", null);
    assertThat(elsewhereStatus(fresh)).as("the user logs in again").isEqualTo(200);
  }
}
