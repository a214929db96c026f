package dev.kiln.common.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 for the signed tokens of this package. */
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
}
