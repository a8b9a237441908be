package io.strato.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.embedded.SharedInfrastructure;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every scope a token request can name gets a token or a 4xx in Keystone's error body, never a 5xx. */
@ExtendWith(SharedInfrastructure.class)
class TokenScopeTest {
  private static IdentityServer identity;

  @BeforeAll
  static void start() {
    identity = new IdentityServer(Map.of());
  }

  @AfterAll
  static void stop() {
    identity.close();
  }

  static Stream<Arguments> scopes() {
    JsonObject demo = new JsonObject().put("name", "demo").put("domain", new JsonObject().put("id", "default"));
    return Stream.of(
        Arguments.of("system scope", new JsonObject().put("system", new JsonObject().put("all", true)), 401),
        Arguments.of("domain scope", new JsonObject().put("domain", new JsonObject().put("id", "default")), 401),
        Arguments.of("trust scope", new JsonObject().put("OS-TRUST:trust", new JsonObject().put("id", "x")), 401),
        Arguments.of("unknown scope", new JsonObject().put("galaxy", new JsonObject()), 400),
        Arguments.of("empty scope", new JsonObject(), 400),
        Arguments.of("project and domain", new JsonObject().put("project", demo)
            .put("domain", new JsonObject().put("id", "default")), 400),
        Arguments.of("project not an object", new JsonObject().put("project", 5), 400),
        Arguments.of("project id not a string", new JsonObject().put("project", new JsonObject().put("id", 7)), 400),
        Arguments.of("project name without domain", new JsonObject().put("project",
            new JsonObject().put("name", "demo")), 400),
        Arguments.of("scope a number", 5, 400),
        Arguments.of("scope an unknown word", "everything", 400),
        Arguments.of("no such project", new JsonObject().put("project", new JsonObject().put("id", "nope")), 401),
        Arguments.of("explicitly unscoped", "unscoped", 201),
        Arguments.of("project by name", new JsonObject().put("project", demo), 201));
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("scopes")
  @DisplayName("a token request's scope gets a token or Keystone's 4xx")
  void scope(String what, Object scope, int status) {
    JsonObject body = IdentityServer.passwordAuth("demo", "demo-pass", null);
    body.getJsonObject("auth").put("scope", scope);
    var resp = identity.call(HttpMethod.POST, "/v3/auth/tokens", null, body);
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(status);
    if (status >= 400) {
      assertThat(resp.bodyAsJsonObject().getJsonObject("error").getInteger("code")).isEqualTo(status);
    } else if ("unscoped".equals(scope)) {
      assertThat(resp.bodyAsJsonObject().getJsonObject("token").containsKey("project")).isFalse();
    }
  }
}
