package io.strato.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.embedded.SharedInfrastructure;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Failed logins are throttled per user and source address, behind a trusted proxy that names the source in
 * X-Forwarded-For: a flood of bad passwords for admin locks out only that source's admin logins.
 */
@ExtendWith(SharedInfrastructure.class)
class LoginThrottleTest {
  private static final String SERVICE_USER = "throttle-service-" + UUID.randomUUID().toString().substring(0, 8);
  private static IdentityServer identity;

  @BeforeAll
  static void start() {
    identity = new IdentityServer(Map.of(
        "identity.trusted.proxies", "127.0.0.1",
        "identity.lockout.failure.attempts", "5",
        "identity.lockout.source.failure.attempts", "12",
        "service.user", SERVICE_USER,
        "service.password", "service-secret",
        "service.project", "service"));
  }

  @AfterAll
  static void stop() {
    identity.close();
  }

  private static List<HttpResponse<Buffer>> flood(String user, int attempts, String source) {
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (int i = 0; i < attempts; i++) {
      sent.add(identity.send(HttpMethod.POST, "/v3/auth/tokens", null,
          IdentityServer.passwordAuth(user, "guess-" + i, "admin"), Map.of("X-Forwarded-For", source)));
    }
    return IdentityServer.await(Future.all(sent)).list();
  }

  private static int timedLogin(String user, String password, String project, String source) {
    long start = System.nanoTime();
    int status = identity.login(user, password, project, source).statusCode();
    assertThat((System.nanoTime() - start) / 1_000_000).as("answered promptly (ms)").isLessThan(3_000);
    return status;
  }

  @Test
  @DisplayName("a flood of bad admin passwords from one source: 401s, then admin elsewhere and the service user log in")
  void floodOfBadPasswordsForAdmin() {
    String attacker = "203.0.113.9";
    long start = System.nanoTime();
    List<HttpResponse<Buffer>> answers = flood("admin", 300, attacker);
    long floodMillis = (System.nanoTime() - start) / 1_000_000;
    assertThat(answers).allSatisfy(r -> {
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("message"))
          .isEqualTo("The request you have made requires authentication.");
    });
    assertThat(floodMillis).as("locked-out guesses are refused without hashing").isLessThan(15_000);

    assertThat(timedLogin("admin", IdentityServer.ADMIN_PASSWORD, "admin", attacker))
        .as("the right password from the flooding source is refused too: no oracle").isEqualTo(401);
    assertThat(timedLogin("admin", IdentityServer.ADMIN_PASSWORD, "admin", "198.51.100.4"))
        .as("admin from another source").isEqualTo(201);
    assertThat(timedLogin("admin", IdentityServer.ADMIN_PASSWORD, "admin", null))
        .as("admin from the proxy itself").isEqualTo(201);
    assertThat(timedLogin(SERVICE_USER, "service-secret", "service", attacker))
        .as("the service user's token refresh, even from the flooding source").isEqualTo(201);
  }

  @Test
  @DisplayName("a source spraying wrong passwords over users is locked out, but for users that logged in there")
  void passwordSpraying() {
    String sprayer = "192.0.2.77";
    String admin = identity.adminToken();
    assertThat(timedLogin("demo", "demo-pass", "demo", sprayer)).as("demo logs in there first").isEqualTo(201);
    for (int u = 0; u < 3; u++) {
      String name = identity.name(admin, "user", identity.create(admin, "user", "sprayed",
          new JsonObject().put("password", "right")));
      for (int i = 0; i < 4; i++) {
        assertThat(identity.login(name, "wrong-" + i, null, sprayer).statusCode()).isEqualTo(401);
      }
      if (u == 2) {
        assertThat(timedLogin(name, "right", null, sprayer)).as("a new user from the sprayer").isEqualTo(401);
        assertThat(timedLogin(name, "right", null, "192.0.2.78")).as("from elsewhere").isEqualTo(201);
      }
    }
    assertThat(timedLogin("demo", "demo-pass", "demo", sprayer)).as("a user known there").isEqualTo(201);
  }
}
