package dev.kiln.common.auth;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The default authenticator: the administrator token from configuration, and work request tokens
 * signed with the shared secret. A service that knows more kinds of token replaces it by producing
 * its own {@link TokenAuthenticator}.
 */
@ApplicationScoped
public class ConfiguredTokenAuthenticator {

  /** Token of the built-in administrator (from KILN_ADMIN_TOKEN in production). */
  @ConfigProperty(name = "kiln.auth.admin-token")
  String adminToken;

  /** Secret shared by the scheduler and the artifact service to sign work request tokens. */
  @ConfigProperty(name = "kiln.auth.work-request-token-secret")
  String workRequestTokenSecret;

  @Produces
  @DefaultBean
  @ApplicationScoped
  TokenAuthenticator authenticator() {
    String adminHash = Tokens.hash(adminToken);
    Clock clock = Clock.systemUTC();
    return token -> {
      if (WorkRequestToken.looksLikeOne(token)) {
        try {
          return Optional.of(
              Caller.forWorkRequest(
                  WorkRequestToken.verify(token, workRequestTokenSecret, clock.instant())));
        } catch (IllegalArgumentException e) {
          return Optional.empty();
        }
      }
      if (java.security.MessageDigest.isEqual(
          adminHash.getBytes(java.nio.charset.StandardCharsets.UTF_8),
          Tokens.hash(token).getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
        return Optional.of(Caller.admin("admin"));
      }
      return Optional.empty();
    };
  }
}
