package dev.kiln.common.auth;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The default authenticator: the administrator token from configuration, work request tokens signed
 * with the shared secret and, where the service enforces workspace roles, user tokens signed with a
 * key derived from the same secret. A service that knows more kinds of token replaces it by
 * producing its own {@link TokenAuthenticator}.
 */
@ApplicationScoped
public class ConfiguredTokenAuthenticator {

  /** Token of the built-in administrator (from KILN_ADMIN_TOKEN in production). */
  @ConfigProperty(name = "kiln.auth.admin-token")
  String adminToken;

  /**
   * Secret shared by the services to sign work request tokens and (with a derived key) user tokens.
   */
  @ConfigProperty(name = "kiln.auth.work-request-token-secret")
  String workRequestTokenSecret;

  /**
   * Whether user tokens ({@code kusr1.…}) are accepted. Only a service whose endpoints check
   * workspace roles may turn it on: elsewhere a user token would pass as an unrestricted caller.
   */
  @ConfigProperty(name = "kiln.auth.accept-user-tokens", defaultValue = "false")
  boolean acceptUserTokens;

  /**
   * Token of the workflow service (KILN_WORKFLOW_SERVICE_TOKEN), where a service accepts it: the
   * caller is {@link Caller.Kind#WORKFLOW}. Unset: no workflow-service caller.
   */
  @ConfigProperty(name = "kiln.auth.workflow-service-token")
  Optional<String> workflowServiceToken = Optional.empty();

  @Produces
  @DefaultBean
  @ApplicationScoped
  TokenAuthenticator authenticator() {
    return standard(adminToken, workRequestTokenSecret, acceptUserTokens, workflowServiceToken);
  }

  /**
   * The administrator token, work request tokens, (when {@code acceptUserTokens}) user tokens and
   * (when set) the workflow service's token; a service that knows more kinds of token falls back to
   * it.
   */
  public static TokenAuthenticator standard(
      String adminToken,
      String workRequestTokenSecret,
      boolean acceptUserTokens,
      Optional<String> workflowServiceToken) {
    byte[] adminHash = Tokens.hash(adminToken).getBytes(StandardCharsets.UTF_8);
    Clock clock = Clock.systemUTC();
    String secret = workRequestTokenSecret;
    boolean users = acceptUserTokens;
    byte[] workflowHash =
        workflowServiceToken
            .filter(t -> !t.isBlank())
            .map(t -> Tokens.hash(t).getBytes(StandardCharsets.UTF_8))
            .orElse(null);
    return token -> {
      try {
        if (WorkRequestToken.looksLikeOne(token)) {
          return Optional.of(
              Caller.forWorkRequest(WorkRequestToken.verify(token, secret, clock.instant())));
        }
        if (UserToken.looksLikeOne(token)) {
          return users
              ? Optional.of(Caller.forUser(UserToken.verify(token, secret, clock.instant())))
              : Optional.empty();
        }
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
      if (MessageDigest.isEqual(adminHash, Tokens.hash(token).getBytes(StandardCharsets.UTF_8))) {
        return Optional.of(Caller.admin("admin"));
      }
      if (workflowHash != null
          && MessageDigest.isEqual(
              workflowHash, Tokens.hash(token).getBytes(StandardCharsets.UTF_8))) {
        return Optional.of(Caller.workflowService());
      }
      return Optional.empty();
    };
  }
}
