package dev.kiln.common.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.problem.ApiException;
import dev.kiln.common.problem.FieldError;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A token that proves a user and the user's role in each of some workspaces. An administrator has
 * the scheduler issue it; every service verifies it offline with the shared secret, like a {@link
 * WorkRequestToken}, so no request costs a call to the scheduler. It cannot be revoked before it
 * expires (short lifetimes bound that; rotating the secret revokes every token at once).
 *
 * <p>Form: {@code kusr1.<base64url(payload)>.<base64url(HMAC-SHA256(key, payload))>}, where the
 * payload is the JSON object {@code {"user", "workspaces": {"<workspace>": "<role>"}, "iat",
 * "exp"}} (times in epoch seconds) and {@code key = HMAC-SHA256(secret, "kiln-user-token-v1")}: a
 * key of its own, so a user token never verifies as a work request token, nor the reverse.
 *
 * @param user the user name
 * @param workspaces the user's role in each workspace the token reaches
 * @param issuedAt when it was issued
 * @param expiresAt when it stops being accepted
 */
public record UserToken(
    String user, Map<String, UserRole> workspaces, Instant issuedAt, Instant expiresAt) {

  /** How long a token lives when the request does not say. */
  public static final Duration DEFAULT_LIFETIME = Duration.ofDays(30);

  /** The longest lifetime a token may have. */
  public static final Duration MAX_LIFETIME = Duration.ofDays(365);

  /** The most workspaces one token may name (it travels in every request's headers). */
  public static final int MAX_WORKSPACES = 100;

  /**
   * The longest payload a token may carry, in bytes (HTTP servers bound header sizes, 8 KiB is
   * safe).
   */
  public static final int MAX_PAYLOAD_BYTES = 6 * 1024;

  /** Longest user name. */
  public static final int MAX_USER_LENGTH = 150;

  /** Longest workspace name (as the services accept them). */
  public static final int MAX_WORKSPACE_LENGTH = 255;

  /**
   * The user the scheduler's own lookups run as while it prepares work requests (a viewer of their
   * workspace, in a short-lived token it signs itself): the artifact service lets it search every
   * workspace that workspace inherits from. No token can be issued for it ({@link #issue}).
   */
  public static final String PREPARATION_USER = "kiln-scheduler";

  private static final String PREFIX = "kusr1.";
  private static final String KEY_LABEL = "kiln-user-token-v1";
  private static final Set<String> FIELDS = Set.of("user", "workspaces", "iat", "exp");

  /**
   * User names as Debusine (Django) allows them, minus what would collide with Kiln's other
   * callers: no {@code ':'} (work request callers are {@code wr:<id>}) and not {@code admin}.
   */
  private static final Pattern USER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@+-]*");

  private static final String RESERVED_USER = "admin";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Copies the roles into a sorted, unmodifiable map. */
  public UserToken {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    workspaces = Collections.unmodifiableMap(new TreeMap<>(workspaces));
  }

  /** Whether a bearer token has the form of a user token. */
  public static boolean looksLikeOne(String token) {
    return token != null && token.startsWith(PREFIX);
  }

  /** The user's role in a workspace, if the token names it. */
  public Optional<UserRole> roleIn(String workspace) {
    return Optional.ofNullable(workspaces.get(workspace));
  }

  /**
   * Checks an issuing request and builds the token it asks for.
   *
   * @param user the user name
   * @param workspaces the role (wire name) in each workspace
   * @param expiresIn the lifetime; {@link #DEFAULT_LIFETIME} when null
   * @param now the issuing time
   * @throws ApiException INVALID_INPUT naming each bad field: {@code user}, {@code workspaces},
   *     {@code workspaces.<name>}, {@code expires_in}
   */
  public static UserToken issue(
      String user, Map<String, String> workspaces, Duration expiresIn, Instant now) {
    List<FieldError> errors = new ArrayList<>();
    if (user == null || user.isBlank()) {
      errors.add(new FieldError("user", "is required"));
    } else if (user.length() > MAX_USER_LENGTH || !USER.matcher(user).matches()) {
      errors.add(
          new FieldError(
              "user",
              "must be 1 to "
                  + MAX_USER_LENGTH
                  + " letters, digits and . _ @ + -, starting with a letter or digit"));
    } else if (user.equals(RESERVED_USER)) {
      errors.add(new FieldError("user", "'admin' is the built-in administrator's name"));
    } else if (user.equals(PREPARATION_USER)) {
      errors.add(new FieldError("user", "'" + PREPARATION_USER + "' is the scheduler's own name"));
    }
    Map<String, UserRole> roles = new TreeMap<>();
    if (workspaces == null || workspaces.isEmpty()) {
      errors.add(new FieldError("workspaces", "must name at least one workspace and its role"));
    } else if (workspaces.size() > MAX_WORKSPACES) {
      errors.add(
          new FieldError("workspaces", "may name at most " + MAX_WORKSPACES + " workspaces"));
    } else {
      workspaces.forEach(
          (workspace, role) -> {
            String field = "workspaces." + workspace;
            if (workspace.isBlank()
                || workspace.length() > MAX_WORKSPACE_LENGTH
                || workspace.chars().anyMatch(Character::isISOControl)) {
              errors.add(
                  new FieldError(
                      field,
                      "a workspace name has 1 to "
                          + MAX_WORKSPACE_LENGTH
                          + " characters, without control characters"));
              return;
            }
            Optional<UserRole> parsed = UserRole.fromWire(role);
            if (parsed.isEmpty()) {
              errors.add(new FieldError(field, "must be one of viewer, contributor, owner"));
            } else {
              roles.put(workspace, parsed.get());
            }
          });
    }
    Duration lifetime = expiresIn == null ? DEFAULT_LIFETIME : expiresIn;
    if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_LIFETIME) > 0) {
      errors.add(
          new FieldError(
              "expires_in",
              "must be a duration above 0 and at most " + MAX_LIFETIME.toDays() + " days"));
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    Instant issued = Instant.ofEpochSecond(now.getEpochSecond());
    UserToken token = new UserToken(user, roles, issued, issued.plus(lifetime));
    if (token.payload().length > MAX_PAYLOAD_BYTES) {
      throw ApiException.invalidField(
          "workspaces",
          "the workspace names are too long together for one token (at most "
              + MAX_PAYLOAD_BYTES
              + " bytes); issue several tokens");
    }
    return token;
  }

  /** Signs this token with the shared secret. */
  public String sign(String secret) {
    return TokenMac.seal(PREFIX, key(secret), payload());
  }

  private byte[] payload() {
    ObjectNode payload = JSON.createObjectNode();
    payload.put("user", user);
    ObjectNode ws = payload.putObject("workspaces");
    workspaces.forEach((name, role) -> ws.put(name, role.wire()));
    payload.put("iat", issuedAt.getEpochSecond());
    payload.put("exp", expiresAt.getEpochSecond());
    try {
      return JSON.writeValueAsBytes(payload);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a user token", e);
    }
  }

  /**
   * Verifies a signed token and returns what it grants.
   *
   * @throws IllegalArgumentException when the token is malformed, forged, of another kind or
   *     expired
   */
  public static UserToken verify(String token, String secret, Instant now) {
    byte[] payloadBytes = TokenMac.open(token, PREFIX, key(secret), "user");
    UserToken parsed = parse(payloadBytes);
    if (!parsed.expiresAt().isAfter(now)) {
      throw new IllegalArgumentException("user token expired");
    }
    return parsed;
  }

  private static UserToken parse(byte[] payloadBytes) {
    JsonNode root;
    try {
      root = JSON.readTree(new String(payloadBytes, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("malformed user token");
    }
    if (root == null || !root.isObject() || root.size() != FIELDS.size()) {
      throw new IllegalArgumentException("malformed user token");
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      if (!FIELDS.contains(names.next())) {
        throw new IllegalArgumentException("malformed user token");
      }
    }
    JsonNode user = root.get("user");
    JsonNode ws = root.get("workspaces");
    JsonNode iat = root.get("iat");
    JsonNode exp = root.get("exp");
    if (!user.isTextual()
        || !ws.isObject()
        || !iat.isIntegralNumber()
        || !exp.isIntegralNumber()
        || !iat.canConvertToLong()
        || !exp.canConvertToLong()) {
      throw new IllegalArgumentException("malformed user token");
    }
    Map<String, UserRole> roles = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = ws.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      UserRole role =
          UserRole.fromWire(e.getValue().isTextual() ? e.getValue().asText() : null)
              .orElseThrow(() -> new IllegalArgumentException("malformed user token"));
      roles.put(e.getKey(), role);
    }
    try {
      return new UserToken(
          user.asText(),
          roles,
          Instant.ofEpochSecond(iat.asLong()),
          Instant.ofEpochSecond(exp.asLong()));
    } catch (java.time.DateTimeException e) {
      throw new IllegalArgumentException("malformed user token");
    }
  }

  private static byte[] key(String secret) {
    return TokenMac.derivedKey(secret, KEY_LABEL);
  }
}
