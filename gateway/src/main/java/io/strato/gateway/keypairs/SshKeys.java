package io.strato.gateway.keypairs;

import io.strato.common.http.ApiException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;

/** OpenSSH public keys: validation, Nova's MD5 fingerprint, and generation of new RSA key pairs. */
public final class SshKeys {
  private static final Set<String> TYPES = Set.of("ssh-rsa", "ssh-ed25519", "ssh-dss", "ecdsa-sha2-nistp256",
      "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521");

  /** A key and its fingerprint; {@code privateKey} only for generated pairs. */
  public record Generated(String publicKey, String privateKey, String fingerprint) {}

  private SshKeys() {}

  /** The fingerprint of a valid OpenSSH public key line, or 400 "Keypair data is invalid". */
  public static String fingerprint(String publicKeyLine) {
    String[] parts = publicKeyLine.trim().split("\\s+");
    if (parts.length < 2 || !TYPES.contains(parts[0])) throw invalid("unsupported or missing key type");
    byte[] blob;
    try {
      blob = Base64.getDecoder().decode(parts[1]);
    } catch (IllegalArgumentException e) {
      throw invalid("the key is not base64");
    }
    ByteBuffer b = ByteBuffer.wrap(blob);
    if (b.remaining() < 4) throw invalid("the key is truncated");
    int len = b.getInt();
    if (len <= 0 || len > b.remaining()) throw invalid("the key is truncated");
    byte[] type = new byte[len];
    b.get(type);
    if (!parts[0].equals(new String(type, StandardCharsets.US_ASCII))) {
      throw invalid("the key type does not match its data");
    }
    return md5(blob);
  }

  /** A new 2048-bit RSA pair (CPU-heavy: call it on a worker thread). */
  public static Generated generate(String comment) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      KeyPair pair = g.generateKeyPair();
      RSAPublicKey pub = (RSAPublicKey) pair.getPublic();
      ByteArrayOutputStream blob = new ByteArrayOutputStream();
      writeString(blob, "ssh-rsa".getBytes(StandardCharsets.US_ASCII));
      writeString(blob, pub.getPublicExponent().toByteArray());
      writeString(blob, pub.getModulus().toByteArray());
      String line = "ssh-rsa " + Base64.getEncoder().encodeToString(blob.toByteArray()) + " " + comment;
      String pem = "-----BEGIN PRIVATE KEY-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(pair.getPrivate().getEncoded())
          + "\n-----END PRIVATE KEY-----\n";
      return new Generated(line, pem, md5(blob.toByteArray()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void writeString(ByteArrayOutputStream out, byte[] data) {
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(data);
  }

  private static String md5(byte[] blob) {
    try {
      byte[] d = MessageDigest.getInstance("MD5").digest(blob);
      return HexFormat.ofDelimiter(":").formatHex(d);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ApiException invalid(String why) {
    return ApiException.badRequest("Keypair data is invalid: " + why);
  }

}
