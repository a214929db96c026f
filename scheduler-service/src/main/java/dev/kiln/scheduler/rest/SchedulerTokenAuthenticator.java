package dev.kiln.scheduler.rest;

import dev.kiln.common.auth.Caller;
import dev.kiln.common.auth.TokenAuthenticator;
import dev.kiln.common.auth.Tokens;
import dev.kiln.common.auth.UserToken;
import dev.kiln.common.auth.WorkRequestToken;
import dev.kiln.scheduler.repository.WorkerRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The scheduler knows one kind of token more than the other services: worker tokens (issued by
 * registration, stored as SHA-256), for the worker's own REST endpoints. Everything else is as in
 * kiln-common's default authenticator.
 */
@ApplicationScoped
public class SchedulerTokenAuthenticator {

  @ConfigProperty(name = "kiln.auth.admin-token")
  String adminToken;

  @ConfigProperty(name = "kiln.auth.work-request-token-secret")
  String workRequestTokenSecret;

  @ConfigProperty(name = "kiln.auth.accept-user-tokens", defaultValue = "false")
  boolean acceptUserTokens;

  @Inject WorkerRepository workers;

  @Produces
  @ApplicationScoped
  TokenAuthenticator authenticator() {
    byte[] adminHash = Tokens.hash(adminToken).getBytes(StandardCharsets.UTF_8);
    Clock clock = Clock.systemUTC();
    String secret = workRequestTokenSecret;
    boolean users = acceptUserTokens;
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
      String hash = Tokens.hash(token);
      if (MessageDigest.isEqual(adminHash, hash.getBytes(StandardCharsets.UTF_8))) {
        return Optional.of(Caller.admin("admin"));
      }
      // enabled or not: the endpoint answers 403 for a disabled worker
      return QuarkusTransaction.requiringNew()
          .call(() -> workers.findByTokenHash(hash).map(w -> Caller.worker(w.id)));
    };
  }
}
