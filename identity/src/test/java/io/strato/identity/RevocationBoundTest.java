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

  private static int servedEvents() {
    return identity.call(HttpMethod.GET, "/v3/OS-REVOKE/events", null, null).bodyAsJsonObject()
        .getJsonArray("events").size();
  }

  private static int rows() {
    return Integer.parseInt(identity.column("SELECT count(*) FROM revocations"));
  }

  @Test
  @DisplayName("revoking its own tokens 8 times over the per-user bound leaves at most bound + 1 events anywhere")
  void selfRevocationLoopIsBounded() {
    String admin = identity.adminToken();
    String userId = identity.create(admin, "user", "revoker", new JsonObject().put("password", "pw"));
    String name = identity.name(admin, "user", userId);
    int servedBefore = servedEvents();
    int rowsBefore = rows();
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

    assertThat(servedEvents() - servedBefore).as("events served").isLessThanOrEqualTo(MAX_PER_USER + 1);
    assertThat(rows() - rowsBefore).as("rows kept in PostgreSQL").isLessThanOrEqualTo(MAX_PER_USER + 1);
    assertThat(otherService.revocations().size() - heldBefore).as("events held by another service")
        .isLessThanOrEqualTo(MAX_PER_USER + 1);

    String fresh = identity.token(name, "pw", null);
    assertThat(elsewhereStatus(fresh)).as("the user logs in again").isEqualTo(200);
  }

  @Test
  @DisplayName("revocations are deleted from PostgreSQL once every token they cover has expired")
  void expiredRevocationsAreDeleted() {
    String admin = identity.adminToken();
    String userId = identity.create(admin, "user", "expiring", new JsonObject().put("password", "pw"));
    String name = identity.name(admin, "user", userId);
    try (IdentityServer shortLived = new IdentityServer(Map.of("token.ttl.seconds", "1"))) {
      revokeOwnToken(shortLived, name);
      String count = "SELECT count(*) FROM revocations WHERE user_id = $1";
      assertThat(identity.column(count, userId)).isEqualTo("1");
      IdentityServer.eventually(() -> {
        revokeOwnToken(shortLived, name);
        return identity.column(count + " AND issued_before < now() - interval '1 second'", userId).equals("0");
      });
    }
  }

  private static void revokeOwnToken(IdentityServer server, String name) {
    String token = server.token(name, "pw", null);
    assertThat(IdentityServer.await(server.send(HttpMethod.DELETE, "/v3/auth/tokens", token, null,
        Map.of("X-Subject-Token", token))).statusCode()).isEqualTo(204);
  }
}
