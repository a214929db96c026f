package dev.kiln.common.auth;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;

/**
 * A token that grants an agent access to the artifact service for one attempt of one work request,
 * and nothing else. The scheduler issues it with each assignment; the artifact service verifies it
 * offline with the shared secret, so no call back to the scheduler sits on the upload path.
 *
 * <p>It reaches the inputs of the work request — the artifacts its dynamic task data resolved,
 * listed in the token — and the artifacts the work request itself creates; nothing else of the
 * workspace.
 *
 * <p>Form: {@code kwr1.<base64url(payload)>.<base64url(HMAC-SHA256(payload))>} where the payload is
 * {@code workRequestId:attempt:workspace:expiresEpochSeconds:inputId,inputId,...}.
 *
 * @param workRequestId the work request the token is scoped to
 * @param attempt the attempt (fencing number) of the assignment
 * @param workspace the work request's workspace
 * @param expiresAt when the token stops being accepted
 * @param inputArtifactIds the artifacts the work request reads (its resolved input fields)
 */
public record WorkRequestToken(
    long workRequestId,
    int attempt,
    String workspace,
    Instant expiresAt,
    Set<Long> inputArtifactIds) {

  /** Sorts and copies the input artifact ids; none when null. */
  public WorkRequestToken {
    inputArtifactIds =
        inputArtifactIds == null
            ? Set.of()
            : java.util.Collections.unmodifiableSortedSet(new TreeSet<>(inputArtifactIds));
  }

  /** A token that reaches no input artifact (only what the work request creates). */
  public WorkRequestToken(long workRequestId, int attempt, String workspace, Instant expiresAt) {
    this(workRequestId, attempt, workspace, expiresAt, Set.of());
  }

  private static final String PREFIX = "kwr1.";

  /** Whether a bearer token has the form of a work request token (not a user token). */
  public static boolean looksLikeOne(String token) {
    return token != null && token.startsWith(PREFIX);
  }

  /** Signs this token with the shared secret. */
  public String sign(String secret) {
    StringBuilder inputs = new StringBuilder();
    for (Long id : inputArtifactIds) {
      if (inputs.length() > 0) {
        inputs.append(',');
      }
      inputs.append(id);
    }
    String payload =
        workRequestId
            + ":"
            + attempt
            + ":"
            + workspace
            + ":"
            + expiresAt.getEpochSecond()
            + ":"
            + inputs;
    return TokenMac.seal(PREFIX, key(secret), payload.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Verifies a signed token and returns what it grants.
   *
   * @throws IllegalArgumentException when the token is malformed, forged or expired
   */
  public static WorkRequestToken verify(String token, String secret, Instant now) {
    byte[] payloadBytes = TokenMac.open(token, PREFIX, key(secret), "work request");
    String[] fields = new String(payloadBytes, StandardCharsets.UTF_8).split(":", -1);
    if (fields.length != 5) {
      throw new IllegalArgumentException("malformed work request token");
    }
    WorkRequestToken parsed;
    try {
      Set<Long> inputs = new TreeSet<>();
      if (!fields[4].isEmpty()) {
        for (String id : fields[4].split(",", -1)) {
          inputs.add(Long.parseLong(id));
        }
      }
      parsed =
          new WorkRequestToken(
              Long.parseLong(fields[0]),
              Integer.parseInt(fields[1]),
              fields[2],
              Instant.ofEpochSecond(Long.parseLong(fields[3])),
              inputs);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("malformed work request token");
    }
    if (!parsed.expiresAt().isAfter(now)) {
      throw new IllegalArgumentException("work request token expired");
    }
    return parsed;
  }

  /** The raw secret (a user token's key is derived from it, see {@link UserToken}). */
  private static byte[] key(String secret) {
    return secret.getBytes(StandardCharsets.UTF_8);
  }
}
