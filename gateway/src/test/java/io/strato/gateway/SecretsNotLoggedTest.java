package io.strato.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.embedded.SharedInfrastructure;
import io.strato.testkit.TestIdentity;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a user hands the cloud in confidence (passwords, tokens, private keys, user data) never reaches a log line. */
@ExtendWith(SharedInfrastructure.class)
class SecretsNotLoggedTest {
  private static TestCloud cloud;
  private static BootRequestWatcher watcher;

  @BeforeAll
  static void start() {
    cloud = TestCloud.get();
    watcher = new BootRequestWatcher(cloud.vertx, cloud.settings);
  }

  @Test
  @DisplayName("a login, a failed login, a generated key pair and a boot with adminPass and user_data log no "
      + "password, token, private key or user data")
  void loginAndBootLogNoSecret() {
    List<String> secrets = new ArrayList<>();
    try (LogCapture logs = new LogCapture()) {
      String adminToken = cloud.identity.token("admin", TestIdentity.ADMIN_PASSWORD, "admin");
      secrets.addAll(List.of(TestIdentity.ADMIN_PASSWORD, adminToken));
      String wrong = "Wr0ng-" + UUID.randomUUID();
      secrets.add(wrong);
      JsonObject badLogin = new JsonObject().put("auth", new JsonObject().put("identity", new JsonObject()
          .put("methods", new JsonArray().add("password")).put("password", new JsonObject().put("user",
              new JsonObject().put("name", "admin").put("domain", new JsonObject().put("id", "default"))
                  .put("password", wrong)))));
      assertThat(cloud.call(HttpMethod.POST, cloud.identity.port, "/v3/auth/tokens", null, badLogin, Map.of())
          .statusCode()).isEqualTo(401);
      assertThat(cloud.call(HttpMethod.GET, cloud.identity.port, "/v3/auth/tokens", adminToken, null,
          Map.of("X-Subject-Token", adminToken)).statusCode()).isEqualTo(200);

      var member = cloud.newProject("quiet");
      secrets.add(member.token());
      JsonObject keypair = cloud.call(HttpMethod.POST, "/v2.1/os-keypairs", member.token(), new JsonObject()
          .put("keypair", new JsonObject().put("name", "k1"))).bodyAsJsonObject().getJsonObject("keypair");
      String privateKey = keypair.getString("private_key");
      secrets.add(privateKey.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow());

      String adminPass = "Adm1nPass-" + UUID.randomUUID();
      String userData = Base64.getEncoder().encodeToString(("#cloud-config\npassword: " + UUID.randomUUID())
          .getBytes(StandardCharsets.UTF_8));
      secrets.addAll(List.of(adminPass, userData));
      JsonObject body = cloud.server("quiet");
      body.getJsonObject("server").put("adminPass", adminPass).put("user_data", userData).put("key_name", "k1");
      var resp = cloud.call(HttpMethod.POST, "/v2.1/servers", member.token(), body);
      assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(202);
      watcher.awaitFor(resp.bodyAsJsonObject().getJsonObject("server").getString("id"));

      List<String> lines = logs.lines();
      assertThat(lines).as("the access log saw the login").anyMatch(l -> l.contains("POST /v3/auth/tokens 201"))
          .anyMatch(l -> l.contains("POST /v2.1/servers 202"));
      for (String secret : secrets) {
        assertThat(lines).as("log lines").noneMatch(l -> l.contains(secret));
      }
    }
  }
}
