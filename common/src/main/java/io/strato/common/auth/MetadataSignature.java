package io.strato.common.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How the metadata proxy vouches for the instance behind a request, as Neutron's metadata agent does for Nova's
 * metadata API: {@code X-Instance-ID} names the instance and {@code X-Instance-ID-Signature} is the hex
 * HMAC-SHA256 of that id keyed with {@code metadata.proxy.shared.secret}. Only whoever holds the secret (the
 * compute agents' proxies) can name an instance; an empty secret signs and accepts nothing.
 */
public final class MetadataSignature {
  public static final String SECRET_SETTING = "metadata.proxy.shared.secret";
  public static final String INSTANCE_HEADER = "X-Instance-ID";
  public static final String SIGNATURE_HEADER = "X-Instance-ID-Signature";

  private MetadataSignature() {}

  /** The signature of {@code instanceId}; fails when no secret is configured. */
  public static String sign(String secret, String instanceId) {
    if (secret == null || secret.isEmpty()) {
      throw new IllegalStateException(SECRET_SETTING + " is not set: the metadata proxy cannot sign");
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(instanceId.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether {@code signature} is the signature of {@code instanceId} (compared in constant time). */
  public static boolean valid(String secret, String instanceId, String signature) {
    if (secret == null || secret.isEmpty() || instanceId == null || signature == null) return false;
    return MessageDigest.isEqual(sign(secret, instanceId).getBytes(StandardCharsets.UTF_8),
        signature.getBytes(StandardCharsets.UTF_8));
  }
}
