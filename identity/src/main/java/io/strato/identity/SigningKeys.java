package io.strato.identity;

import io.strato.common.auth.TokenCodec;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;

/**
 * The Ed25519 key pair identity signs tokens with: from configuration ({@code token.signing.key}, e.g. a Kubernetes
 * Secret) or, when that is empty, generated once and kept in PostgreSQL so every identity replica shares it.
 */
final class SigningKeys {
  record Pair(PrivateKey privateKey, PublicKey publicKey) {}

  private SigningKeys() {}

  /** {@code signingKey} and {@code verifyKey} are the configured keys (both or neither). */
  static Future<Pair> load(Pool pool, String signingKey, String verifyKey) {
    if (!signingKey.isBlank()) {
      if (verifyKey.isBlank()) {
        return Future.failedFuture(new IllegalArgumentException("token.signing.key needs token.verify.key too"));
      }
      return Future.succeededFuture(new Pair(TokenCodec.decodePrivate(signingKey), TokenCodec.decodePublic(verifyKey)));
    }
    KeyPair fresh = TokenCodec.newKeyPair();
    return pool.preparedQuery("INSERT INTO signing_keys(id, private_key, public_key) VALUES ('current', $1, $2)"
            + " ON CONFLICT (id) DO NOTHING")
        .execute(Tuple.of(TokenCodec.encodePrivate(fresh.getPrivate()), TokenCodec.encodePublic(fresh.getPublic())))
        .compose(r -> pool.query("SELECT private_key, public_key FROM signing_keys WHERE id = 'current'").execute())
        .map(rows -> {
          var row = rows.iterator().next();
          return new Pair(TokenCodec.decodePrivate(row.getString(0)), TokenCodec.decodePublic(row.getString(1)));
        });
  }

}
