package io.strato.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.common.config.Settings;
import io.strato.embedded.SharedInfrastructure;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Password hashes as strong as OWASP asks, upgraded at login, computed on a bounded pool that sheds overload. */
@ExtendWith(SharedInfrastructure.class)
class PasswordHashingTest {
  private static IdentityServer identity;
  private static String admin;

  @BeforeAll
  static void start() {
    identity = new IdentityServer(Map.of());
    admin = identity.adminToken();
  }

  @AfterAll
  static void stop() {
    identity.close();
  }

  private static String hashOf(String userId) {
    return identity.column("SELECT password_hash FROM users WHERE id = $1", userId);
  }

  @Test
  @DisplayName("new password hashes use OWASP's 600,000 PBKDF2-HMAC-SHA256 iterations by default")
  void owaspStrengthByDefault() {
    assertThat(Integer.parseInt(Settings.defaults().get("identity.password.iterations"))).isGreaterThanOrEqualTo(600_000);
  }

  @Test
  @DisplayName("a hash of fewer iterations still logs in, and is rehashed with today's count at that login")
  void weakerHashRehashedAtLogin() {
    String userId = identity.create(admin, "user", "rehash", new JsonObject().put("password", "pw"));
    String name = identity.name(admin, "user", userId);
    assertThat(hashOf(userId)).startsWith("pbkdf2-sha256$10000$");
    try (IdentityServer stronger = new IdentityServer(Map.of("identity.password.iterations", "20000"))) {
      assertThat(stronger.login(name, "pw", null, null).statusCode()).isEqualTo(201);
      IdentityServer.eventually(() -> hashOf(userId).startsWith("pbkdf2-sha256$20000$"));
      assertThat(stronger.login(name, "pw", null, null).statusCode()).isEqualTo(201);
      assertThat(stronger.login(name, "wrong", null, null).statusCode()).isEqualTo(401);
    }
    assertThat(identity.login(name, "pw", null, null).statusCode()).as("the hash says its own count").isEqualTo(201);
  }

  @Test
  @DisplayName("logins beyond the password pool and its queue are answered 503 at once, the others 201")
  void overloadIsShedNotQueued() {
    try (IdentityServer busy = new IdentityServer(Map.of("identity.password.iterations", "200000",
        "identity.password.workers", "1", "identity.password.queue", "1"))) {
      String userId = busy.create(admin, "user", "burst", new JsonObject().put("password", "pw"));
      String name = busy.name(admin, "user", userId);
      List<Future<HttpResponse<Buffer>>> burst = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        burst.add(busy.send(HttpMethod.POST, "/v3/auth/tokens", null, IdentityServer.passwordAuth(name, "pw", null),
            Map.of()));
      }
      List<HttpResponse<Buffer>> answers = IdentityServer.await(Future.all(burst)).list();
      List<Integer> statuses = answers.stream().map(HttpResponse::statusCode).toList();
      assertThat(statuses).as(statuses.toString()).containsOnly(201, 503).contains(201, 503);
      answers.stream().filter(r -> r.statusCode() == 503).forEach(r ->
          assertThat(r.bodyAsJsonObject().getJsonObject("error").getInteger("code")).isEqualTo(503));
    }
  }
}
