package io.strato.common.auth;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;

/**
 * Token wire format: {@code base64url(json claims) "." base64url(Ed25519 signature over the first part)}.
 * Only identity holds the private key and can mint tokens; every service verifies with the public key, locally.
 */
public final class TokenCodec {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  private static final int MAX_TOKEN_LENGTH = 8192;

  private TokenCodec() {}

  public static KeyPair newKeyPair() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String encodePublic(PublicKey key) {
    return Base64.getEncoder().encodeToString(key.getEncoded());
  }

  public static String encodePrivate(PrivateKey key) {
    return Base64.getEncoder().encodeToString(key.getEncoded());
  }

  public static PublicKey decodePublic(String base64) {
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(Base64.getDecoder()
          .decode(base64.trim())));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not a base64 X.509 Ed25519 public key", e);
    }
  }

  public static PrivateKey decodePrivate(String base64) {
    try {
      return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder()
          .decode(base64.trim())));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not a base64 PKCS#8 Ed25519 private key", e);
    }
  }

  public static String sign(Token token, PrivateKey key) {
    String claims = B64.encodeToString(token.toJson().encode().getBytes(StandardCharsets.UTF_8));
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(key);
      s.update(claims.getBytes(StandardCharsets.US_ASCII));
      return claims + "." + B64.encodeToString(s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The token if the signature is good and the claims parse; empty for anything forged or malformed. */
  public static Optional<Token> verify(String wire, PublicKey key) {
    if (wire == null || wire.length() > MAX_TOKEN_LENGTH) return Optional.empty();
    int dot = wire.indexOf('.');
    if (dot <= 0 || dot != wire.lastIndexOf('.')) return Optional.empty();
    try {
      String claims = wire.substring(0, dot);
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(key);
      s.update(claims.getBytes(StandardCharsets.US_ASCII));
      if (!s.verify(B64D.decode(wire.substring(dot + 1)))) return Optional.empty();
      return Optional.of(Token.fromJson(new JsonObject(Buffer.buffer(B64D.decode(claims)))));
    } catch (GeneralSecurityException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
