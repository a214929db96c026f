package dev.kiln.common.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.common.problem.ApiException;
import dev.kiln.common.problem.FieldError;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UserTokenTest {

  private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
  private static final String SECRET = "s3cret";

  private static UserToken alice() {
    return UserToken.issue(
        "alice", Map.of("debian", "contributor", "Sandbox", "owner"), Duration.ofHours(1), NOW);
  }

  @Test
  void signedTokenVerifiesAndCarriesUserRolesAndTimes() {
    String signed = alice().sign(SECRET);

    UserToken token = UserToken.verify(signed, SECRET, NOW.plusSeconds(10));

    assertTrue(signed.startsWith("kusr1."));
    assertEquals("alice", token.user());
    assertEquals(Optional.of(UserRole.CONTRIBUTOR), token.roleIn("debian"));
    assertEquals(Optional.of(UserRole.OWNER), token.roleIn("Sandbox"));
    assertEquals(Optional.empty(), token.roleIn("other"));
    assertEquals(NOW, token.issuedAt());
    assertEquals(NOW.plus(Duration.ofHours(1)), token.expiresAt());
  }

  @Test
  void otherSecretIsRefused() {
    String signed = alice().sign(SECRET);
    assertThrows(IllegalArgumentException.class, () -> UserToken.verify(signed, "other", NOW));
  }

  @Test
  void tamperedPayloadIsRefused() {
    String signed = alice().sign(SECRET);
    String[] parts = signed.substring("kusr1.".length()).split("\\.");
    String payload = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
    String raised = payload.replace("\"contributor\"", "\"owner\"");
    assertFalse(raised.equals(payload));
    String forged =
        "kusr1."
            + Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(raised.getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[1];

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> UserToken.verify(forged, SECRET, NOW));
    assertEquals("user token signature does not match", e.getMessage());

    // a MAC spliced from another validly signed token does not fit either
    String bob = UserToken.issue("bob", Map.of("debian", "viewer"), null, NOW).sign(SECRET);
    String spliced =
        signed.substring(0, signed.lastIndexOf('.')) + bob.substring(bob.lastIndexOf('.'));
    assertThrows(IllegalArgumentException.class, () -> UserToken.verify(spliced, SECRET, NOW));
    assertThrows(IllegalArgumentException.class, () -> UserToken.verify("kusr1.abc", SECRET, NOW));
    assertThrows(
        IllegalArgumentException.class, () -> UserToken.verify("kusr1.!!.??", SECRET, NOW));
  }

  @Test
  void expiredTokenIsRefused() {
    String signed = alice().sign(SECRET);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> UserToken.verify(signed, SECRET, NOW.plus(Duration.ofHours(1))));
    assertEquals("user token expired", e.getMessage());
    UserToken.verify(signed, SECRET, NOW.plus(Duration.ofHours(1)).minusSeconds(1));
  }

  @Test
  void aUserTokenNeverVerifiesAsAWorkRequestTokenNorTheReverse() {
    String user = alice().sign(SECRET);
    String wr = new WorkRequestToken(42, 1, "debian", NOW.plusSeconds(60)).sign(SECRET);

    assertFalse(WorkRequestToken.looksLikeOne(user));
    assertFalse(UserToken.looksLikeOne(wr));
    assertThrows(IllegalArgumentException.class, () -> WorkRequestToken.verify(user, SECRET, NOW));
    assertThrows(IllegalArgumentException.class, () -> UserToken.verify(wr, SECRET, NOW));

    // same bytes under the other prefix: the MAC keys differ, so neither verifies
    String userAsWr = "kwr1." + user.substring("kusr1.".length());
    String wrAsUser = "kusr1." + wr.substring("kwr1.".length());
    assertEquals(
        "work request token signature does not match",
        assertThrows(
                IllegalArgumentException.class,
                () -> WorkRequestToken.verify(userAsWr, SECRET, NOW))
            .getMessage());
    assertEquals(
        "user token signature does not match",
        assertThrows(IllegalArgumentException.class, () -> UserToken.verify(wrAsUser, SECRET, NOW))
            .getMessage());
  }

  @Test
  void rolesAreOrderedViewerContributorOwner() {
    assertTrue(UserRole.OWNER.includes(UserRole.CONTRIBUTOR));
    assertTrue(UserRole.OWNER.includes(UserRole.VIEWER));
    assertTrue(UserRole.CONTRIBUTOR.includes(UserRole.VIEWER));
    assertTrue(UserRole.CONTRIBUTOR.includes(UserRole.CONTRIBUTOR));
    assertFalse(UserRole.CONTRIBUTOR.includes(UserRole.OWNER));
    assertFalse(UserRole.VIEWER.includes(UserRole.CONTRIBUTOR));
    assertEquals(Optional.of(UserRole.OWNER), UserRole.fromWire("owner"));
    assertEquals(Optional.empty(), UserRole.fromWire("OWNER"));
    assertEquals(Optional.empty(), UserRole.fromWire("admin"));
  }

  @Test
  void issuingNamesEveryBadField() {
    Map<String, String> workspaces = new LinkedHashMap<>();
    workspaces.put("debian", "maintainer");
    workspaces.put("ok", "viewer");
    ApiException e =
        assertThrows(
            ApiException.class,
            () -> UserToken.issue("bad name", workspaces, Duration.ofDays(400), NOW));
    assertEquals(ApiException.Kind.INVALID_INPUT, e.kind());
    assertEquals(
        List.of("user", "workspaces.debian", "expires_in"),
        e.errors().stream().map(FieldError::field).toList());

    assertEquals(
        List.of("user", "workspaces"),
        assertThrows(ApiException.class, () -> UserToken.issue("admin", Map.of(), null, NOW))
            .errors()
            .stream()
            .map(FieldError::field)
            .toList());
    // the scheduler's own lookups run as this user: nobody else may be issued it
    ApiException reserved =
        assertThrows(
            ApiException.class,
            () -> UserToken.issue(UserToken.PREPARATION_USER, Map.of("w", "viewer"), null, NOW));
    assertEquals(List.of("user"), reserved.errors().stream().map(FieldError::field).toList());
    assertEquals(
        List.of("expires_in"),
        assertThrows(
                ApiException.class,
                () -> UserToken.issue("a", Map.of("w", "viewer"), Duration.ZERO, NOW))
            .errors()
            .stream()
            .map(FieldError::field)
            .toList());
    Map<String, String> many = new LinkedHashMap<>();
    for (int i = 0; i < 40; i++) {
      many.put(("workspace-" + i + "-").repeat(12), "viewer");
    }
    assertEquals(
        List.of("workspaces"),
        assertThrows(ApiException.class, () -> UserToken.issue("a", many, null, NOW))
            .errors()
            .stream()
            .map(FieldError::field)
            .toList());
    assertEquals(
        NOW.plus(UserToken.DEFAULT_LIFETIME),
        UserToken.issue("a", Map.of("w", "viewer"), null, NOW).expiresAt());
  }

  @Test
  void authenticatorAcceptsUserTokensOnlyWhereTurnedOn() {
    ConfiguredTokenAuthenticator config = new ConfiguredTokenAuthenticator();
    config.adminToken = "the-admin-token";
    config.workRequestTokenSecret = SECRET;
    String user =
        UserToken.issue("alice", Map.of("debian", "viewer"), null, Instant.now()).sign(SECRET);

    config.acceptUserTokens = false;
    assertEquals(Optional.empty(), config.authenticator().authenticate(user));
    assertEquals(
        Caller.Kind.ADMIN,
        config.authenticator().authenticate("the-admin-token").orElseThrow().kind());

    config.acceptUserTokens = true;
    Caller caller = config.authenticator().authenticate(user).orElseThrow();
    assertEquals(Caller.Kind.USER, caller.kind());
    assertEquals("alice", caller.name());
    assertEquals(Optional.of(UserRole.VIEWER), caller.roleIn("debian"));
    assertEquals(Optional.empty(), caller.roleIn("other"));
    assertEquals(
        Optional.empty(),
        config.authenticator().authenticate(user.substring(0, user.length() - 2)));
  }

  @Test
  void theWorkflowServiceTokenIsAWorkflowCallerOnlyWhenConfigured() {
    ConfiguredTokenAuthenticator config = new ConfiguredTokenAuthenticator();
    config.adminToken = "the-admin-token";
    config.workRequestTokenSecret = SECRET;
    assertEquals(Optional.empty(), config.authenticator().authenticate("the-workflow-token"));
    config.workflowServiceToken = Optional.of("the-workflow-token");
    Caller caller = config.authenticator().authenticate("the-workflow-token").orElseThrow();
    assertEquals(Caller.Kind.WORKFLOW, caller.kind());
    assertEquals("workflow-service", caller.name());
    assertEquals(false, caller.isAdmin());
    assertEquals(
        Caller.Kind.ADMIN,
        config.authenticator().authenticate("the-admin-token").orElseThrow().kind());
    assertEquals(Optional.empty(), config.authenticator().authenticate("the-workflow-tokeN"));
  }
}
