package io.strato.common.auth;

import io.strato.common.config.Settings;
import io.strato.common.http.ApiException;
import io.strato.common.http.ClientPolicy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.security.PublicKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks tokens locally: signature (identity's public key), expiry and revocation. No call to identity per
 * request; revocation events are fetched from identity every {@code token.revocation.poll.ms}, so a revoked token
 * is refused everywhere within a few seconds. Good signatures are cached, since Ed25519 verification costs ~100 µs.
 * Each fetch has the {@code http.client.*} timeouts and one runs at a time: an identity service that hangs cannot pile
 * up requests that hold every connection, so revocations flow again as soon as it answers.
 */
public final class TokenVerifier {
  private static final Logger LOG = LoggerFactory.getLogger(TokenVerifier.class);
  private static final int CACHE_LIMIT = 50_000;

  private final Vertx vertx;
  private final Settings settings;
  private final Revocations revocations;
  private final Map<String, Token> verified = new ConcurrentHashMap<>();
  private volatile PublicKey key;
  private volatile boolean revocationsLoaded;
  private long sinceMillis;
  private WebClient client;
  private ClientPolicy policy;
  private boolean refreshing;

  public TokenVerifier(Vertx vertx, Settings settings) {
    this.vertx = vertx;
    this.settings = settings;
    this.revocations = new Revocations(settings.getInt("token.revocation.max.per.user"));
    String configured = settings.get("token.verify.key");
    if (!configured.isBlank()) key = TokenCodec.decodePublic(configured);
  }

  /** Identity itself hands in the key it signs with. */
  public TokenVerifier(Vertx vertx, Settings settings, PublicKey key) {
    this(vertx, settings);
    this.key = key;
  }

  /** Starts fetching the key (when not configured) and the revocation events; never fails, retries instead. */
  public TokenVerifier start() {
    policy = ClientPolicy.from(settings).once();
    client = policy.client(vertx);
    long poll = settings.getLong("token.revocation.poll.ms");
    vertx.setPeriodic(0, poll, id -> refresh());
    return this;
  }

  /** True once the key is known and the revocation list has been loaded once. */
  public boolean ready() {
    return key != null && revocationsLoaded;
  }

  public Revocations revocations() {
    return revocations;
  }

  /** The token behind {@code wire}, or a 401 ApiException saying why it is refused. */
  public Token verify(String wire) {
    if (wire == null || wire.isBlank()) throw ApiException.unauthorized("The request you have made requires "
        + "authentication.");
    PublicKey k = key;
    if (k == null) throw new ApiException(503, "Token verification is not ready yet; retry shortly.");
    Token token = verified.get(wire);
    if (token == null) {
      token = TokenCodec.verify(wire, k).orElseThrow(() -> ApiException.unauthorized(
          "The request you have made requires authentication (the token is not valid)."));
      if (verified.size() > CACHE_LIMIT) verified.clear();
      verified.put(wire, token);
    }
    if (System.currentTimeMillis() >= token.expiresAtMillis()) {
      throw ApiException.unauthorized("The request you have made requires authentication (the token has expired).");
    }
    if (revocations.isRevoked(token)) {
      throw ApiException.unauthorized("The request you have made requires authentication (the token was revoked).");
    }
    return token;
  }

  /** One fetch at a time (periodic, on one event loop); the next period is the retry. */
  private void refresh() {
    if (refreshing) return;
    refreshing = true;
    // Started from a completed future, so that a call that throws at once still ends this refresh.
    Future.<Void>succeededFuture().compose(v -> key != null ? Future.<Void>succeededFuture() : fetchKey())
        .compose(v -> fetchRevocations()).onComplete(ar -> {
      refreshing = false;
      if (ar.failed()) {
        LOG.warn("cannot reach identity at {}: {}", settings.get("identity.url"),
            ClientPolicy.transportFailure(ar.cause()) ? policy.describe("identity", "revocation events", ar.cause())
                : ar.cause().getMessage());
      }
    });
  }

  private Future<Void> fetchKey() {
    return policy.bound(client.getAbs(settings.get("identity.url") + "/v3/OS-STRATO/signing-key"),
        policy.timeoutMs()).send().map(resp -> {
      if (resp.statusCode() != 200) throw new IllegalStateException("signing key: HTTP " + resp.statusCode());
      key = TokenCodec.decodePublic(resp.bodyAsJsonObject().getString("public_key"));
      LOG.info("fetched identity's token verification key");
      return null;
    });
  }

  private Future<Void> fetchRevocations() {
    long now = System.currentTimeMillis();
    long since = sinceMillis;
    return policy.bound(client.getAbs(settings.get("identity.url") + "/v3/OS-REVOKE/events"), policy.timeoutMs())
        .addQueryParam("since_ms", Long.toString(since)).send().map(resp -> {
          if (resp.statusCode() != 200) throw new IllegalStateException("revocations: HTTP " + resp.statusCode());
          resp.bodyAsJsonObject().getJsonArray("events").forEach(e -> revocations.apply((JsonObject) e));
          // NOTE: overlap by one poll period so an event written while we asked is not missed; apply is idempotent.
          sinceMillis = now - settings.getLong("token.revocation.poll.ms");
          revocations.expireOlderThan(now - settings.getLong("token.ttl.seconds") * 1000);
          revocationsLoaded = true;
          return null;
        });
  }
}
