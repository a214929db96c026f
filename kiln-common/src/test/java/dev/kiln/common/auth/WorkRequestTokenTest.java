package dev.kiln.common.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkRequestTokenTest {

  private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

  @Test
  void signedTokenVerifiesAndCarriesItsScope() {
    String signed = new WorkRequestToken(42, 3, "System", NOW.plusSeconds(60)).sign("s3cret");

    WorkRequestToken token = WorkRequestToken.verify(signed, "s3cret", NOW);

    assertEquals(42, token.workRequestId());
    assertEquals(3, token.attempt());
    assertEquals("System", token.workspace());
    assertTrue(WorkRequestToken.looksLikeOne(signed));
  }

  @Test
  void inputArtifactsTravelSignedAndSorted() {
    String signed =
        new WorkRequestToken(42, 3, "System", NOW.plusSeconds(60), Set.of(9L, 3L, 120L))
            .sign("s3cret");

    WorkRequestToken token = WorkRequestToken.verify(signed, "s3cret", NOW);

    assertEquals(List.of(3L, 9L, 120L), List.copyOf(token.inputArtifactIds()));
    assertEquals(
        Set.of(),
        WorkRequestToken.verify(
                new WorkRequestToken(1, 1, "System", NOW.plusSeconds(60)).sign("s3cret"),
                "s3cret",
                NOW)
            .inputArtifactIds());
    assertEquals(
        Set.of(3L, 9L, 120L), Caller.forWorkRequest(token).inputArtifactIds(), "the caller");
  }

  @Test
  void otherSecretOrTamperedPayloadIsRefused() {
    String signed = new WorkRequestToken(42, 1, "System", NOW.plusSeconds(60)).sign("s3cret");
    assertThrows(
        IllegalArgumentException.class, () -> WorkRequestToken.verify(signed, "other", NOW));

    String forged = new WorkRequestToken(43, 1, "System", NOW.plusSeconds(60)).sign("other");
    String spliced =
        forged.substring(0, forged.lastIndexOf('.')) + signed.substring(signed.lastIndexOf('.'));
    assertThrows(
        IllegalArgumentException.class, () -> WorkRequestToken.verify(spliced, "s3cret", NOW));
  }

  @Test
  void expiredTokenIsRefused() {
    String signed = new WorkRequestToken(1, 1, "System", NOW).sign("s3cret");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> WorkRequestToken.verify(signed, "s3cret", NOW));
    assertEquals("work request token expired", e.getMessage());
  }

  @Test
  void userTokensAreNotMistakenForWorkRequestTokens() {
    assertFalse(WorkRequestToken.looksLikeOne(Tokens.generate()));
    assertThrows(
        IllegalArgumentException.class, () -> WorkRequestToken.verify("kwr1.abc", "s3cret", NOW));
  }

  @Test
  void hashIsStableHexSha256() {
    assertEquals(
        "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae", Tokens.hash("foo"));
    assertEquals("abc", Tokens.fromAuthorizationHeader("Bearer abc"));
    assertEquals("abc", Tokens.fromAuthorizationHeader("abc"));
    assertEquals(null, Tokens.fromAuthorizationHeader("  "));
  }
}
