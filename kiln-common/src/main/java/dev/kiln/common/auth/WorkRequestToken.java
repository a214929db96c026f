package dev.kiln.common.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;

/**
 * A token that grants an agent access to the artifact service for one attempt of one work request,
 * and nothing else. The scheduler issues it with each assignment; the artifact service verifies it
 * offline with the shared secret, so no call back to the scheduler sits on the upload path.
 *
 * <p>Form: {@code kwr1.<base64url(payload)>.<base64url(HMAC-SHA256(payload))>} where the payload is
 * {@code workRequestId:attempt:workspace:expiresEpochSeconds}.
 *
 * @param workRequestId the work request the token is scoped to
 * @param attempt the attempt (fencing number) of the assignment
 * @param workspace the work request's workspace
 * @param expiresAt when the token stops being accepted
 */
public record WorkRequestToken(
    long workRequestId, int attempt, String workspace, Instant expiresAt) {

  private static final String PREFIX = "kwr1.";

  /** Whether a bearer token has the form of a work request token (not a user token). */
  public static boolean looksLikeOne(String token) {
    return token != null && token.startsWith(PREFIX);
  }

  /** Signs this token with the shared secret. */
  public String sign(String secret) {
    String payload =
        workRequestId + ":" + attempt + ":" + workspace + ":" + expiresAt.getEpochSecond();
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    byte[] payloadBytes = payload.getBytes(StandardCharsets.UTF_8);
    return PREFIX
        + b64.encodeToString(payloadBytes)
        + "."
        + b64.encodeToString(mac(secret, payloadBytes));
  }

  /**
   * Verifies a signed token and returns what it grants.
   *
   * @throws IllegalArgumentException when the token is malformed, forged or expired
   */
  public static WorkRequestToken verify(String token, String secret, Instant now) {
    if (!looksLikeOne(token)) {
      throw new IllegalArgumentException("not a work request token");
    }
    String[] parts = token.substring(PREFIX.length()).split("\\.", -1);
    if (parts.length != 2) {
      throw new IllegalArgumentException("malformed work request token");
    }
    byte[] payloadBytes;
    byte[] signature;
    try {
      payloadBytes = Base64.getUrlDecoder().decode(parts[0]);
      signature = Base64.getUrlDecoder().decode(parts[1]);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("malformed work request token");
    }
    if (!MessageDigest.isEqual(mac(secret, payloadBytes), signature)) {
      throw new IllegalArgumentException("work request token signature does not match");
    }
    String[] fields = new String(payloadBytes, StandardCharsets.UTF_8).split(":", -1);
    if (fields.length != 4) {
      throw new IllegalArgumentException("malformed work request token");
    }
    WorkRequestToken parsed;
    try {
      parsed =
          new WorkRequestToken(
              Long.parseLong(fields[0]),
              Integer.parseInt(fields[1]),
              fields[2],
              Instant.ofEpochSecond(Long.parseLong(fields[3])));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("malformed work request token");
    }
    if (!parsed.expiresAt().isAfter(now)) {
      throw new IllegalArgumentException("work request token expired");
    }
    return parsed;
  }

  private static byte[] mac(String secret, byte[] payload) {
    return TokenMac.hmac(secret, payload);
  }
}
