package dev.kiln.common.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 for the signed tokens of this package, and their envelope: {@code
 * <prefix><base64url(payload)>.<base64url(HMAC(key, payload))>}.
 */
final class TokenMac {

  private TokenMac() {}

  static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }

  static byte[] hmac(String secret, byte[] data) {
    return hmac(secret.getBytes(StandardCharsets.UTF_8), data);
  }

  /**
   * A key for one kind of token, derived from the shared secret: {@code HMAC(secret, label)}. The
   * label contains no {@code ':'}, so it can never be the payload of a work request token (which
   * has four {@code ':'}-separated fields) and the derived key is never a work request token's MAC.
   */
  static byte[] derivedKey(String secret, String label) {
    if (label.indexOf(':') >= 0) {
      throw new IllegalArgumentException("a key label must not contain ':'");
    }
    return hmac(secret, label.getBytes(StandardCharsets.UTF_8));
  }

  /** The signed envelope of a payload. */
  static String seal(String prefix, byte[] key, byte[] payload) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return prefix + b64.encodeToString(payload) + "." + b64.encodeToString(hmac(key, payload));
  }

  /**
   * The payload of a signed envelope, once its MAC matched.
   *
   * @param kind the kind of token, for the messages ({@code work request}, {@code user})
   * @throws IllegalArgumentException when the token has another prefix, is malformed or its MAC
   *     does not match
   */
  static byte[] open(String token, String prefix, byte[] key, String kind) {
    if (token == null || !token.startsWith(prefix)) {
      throw new IllegalArgumentException("not a " + kind + " token");
    }
    String[] parts = token.substring(prefix.length()).split("\\.", -1);
    if (parts.length != 2) {
      throw new IllegalArgumentException("malformed " + kind + " token");
    }
    byte[] payload;
    byte[] signature;
    try {
      payload = Base64.getUrlDecoder().decode(parts[0]);
      signature = Base64.getUrlDecoder().decode(parts[1]);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("malformed " + kind + " token");
    }
    if (!MessageDigest.isEqual(hmac(key, payload), signature)) {
      throw new IllegalArgumentException(kind + " token signature does not match");
    }
    return payload;
  }
}
