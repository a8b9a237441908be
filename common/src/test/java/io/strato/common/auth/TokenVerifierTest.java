package io.strato.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strato.common.config.Settings;
import io.strato.common.http.ApiException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Local token checks: signature, expiry, revocation; no identity service needed. */
class TokenVerifierTest {
  private final Vertx vertx = Vertx.vertx();
  private final KeyPair keys = TokenCodec.newKeyPair();
  private final TokenVerifier verifier = new TokenVerifier(vertx, Settings.load(), keys.getPublic());

  @AfterEach
  void close() {
    vertx.close();
  }

  private static Token token(long issuedAt, long expiresAt, String auditId) {
    return new Token("u1", "alice", "default", "p1", "team", "default", List.of(new Token.Role("r1", "member")),
        List.of("password"), issuedAt, expiresAt, auditId);
  }

  private static int status(Runnable r) {
    try {
      r.run();
      return 200;
    } catch (ApiException e) {
      return e.status();
    }
  }

  @Test
  @DisplayName("a token signed by identity's key is accepted and says who and which project")
  void good() {
    long now = System.currentTimeMillis();
    Token t = verifier.verify(TokenCodec.sign(token(now, now + 60_000, "a1"), keys.getPrivate()));
    assertThat(t.userId()).isEqualTo("u1");
    assertThat(t.projectId()).isEqualTo("p1");
    assertThat(t.hasRole("member")).isTrue();
    assertThat(t.isAdmin()).isFalse();
  }

  @Test
  @DisplayName("expired, forged, tampered and garbage tokens are refused with 401")
  void refused() {
    long now = System.currentTimeMillis();
    String expired = TokenCodec.sign(token(now - 120_000, now - 60_000, "a2"), keys.getPrivate());
    String forged = TokenCodec.sign(token(now, now + 60_000, "a3"), TokenCodec.newKeyPair().getPrivate());
    String good = TokenCodec.sign(token(now, now + 60_000, "a4"), keys.getPrivate());
    String tampered = good.substring(0, 5) + (good.charAt(5) == 'x' ? 'y' : 'x') + good.substring(6);
    for (String wire : List.of(expired, forged, tampered, "garbage", "a.b.c", "")) {
      assertThat(status(() -> verifier.verify(wire))).as(wire).isEqualTo(401);
    }
    assertThatThrownBy(() -> verifier.verify(null)).isInstanceOf(ApiException.class);
  }

  @Test
  @DisplayName("revoking a token's audit id, or every token of its user, refuses it at once")
  void revocation() {
    long now = System.currentTimeMillis();
    String one = TokenCodec.sign(token(now, now + 60_000, "a5"), keys.getPrivate());
    String other = TokenCodec.sign(token(now, now + 60_000, "a6"), keys.getPrivate());
    verifier.verify(one);
    verifier.revocations().apply(new JsonObject().put("audit_id", "a5").put("issued_before_ms", now + 1));
    assertThat(status(() -> verifier.verify(one))).isEqualTo(401);
    assertThat(status(() -> verifier.verify(other))).isEqualTo(200);
    verifier.revocations().apply(new JsonObject().put("user_id", "u1").put("issued_before_ms", now));
    assertThat(status(() -> verifier.verify(other))).isEqualTo(401);
    String later = TokenCodec.sign(token(now + 5, now + 60_000, "a7"), keys.getPrivate());
    assertThat(status(() -> verifier.verify(later))).as("issued after the user's revocation").isEqualTo(200);
  }

  @Test
  @DisplayName("identity hangs for a while, then answers: revocations are applied again within seconds, not never")
  void identityThatHangsThenRecovers() throws Exception {
    long hangUntil = System.currentTimeMillis() + 2_000;
    long now = System.currentTimeMillis();
    List<HttpServerRequest> held = new CopyOnWriteArrayList<>();
    HttpServer identity = vertx.createHttpServer().requestHandler(req -> {
      if (System.currentTimeMillis() < hangUntil) {
        held.add(req); // accepted, never answered
        return;
      }
      JsonObject revoked = new JsonObject().put("audit_id", "a9").put("issued_before_ms", now + 1);
      req.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("events", new JsonArray().add(revoked)).encode());
    });
    int port = identity.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
        .actualPort();
    TokenVerifier polling = new TokenVerifier(vertx, Settings.load().with(Map.of("identity.url",
        "http://127.0.0.1:" + port, "token.revocation.poll.ms", "100", "http.client.timeout.ms", "500")),
        keys.getPublic()).start();
    String wire = TokenCodec.sign(token(now, now + 60_000, "a9"), keys.getPrivate());
    long deadline = System.currentTimeMillis() + 15_000;
    while (status(() -> polling.verify(wire)) != 401) {
      assertThat(System.currentTimeMillis()).as("revocation never applied after identity recovered (%d requests held)",
          held.size()).isLessThan(deadline);
      Thread.sleep(50); // back-off between checks
    }
    assertThat(polling.ready()).isTrue();
  }
}
