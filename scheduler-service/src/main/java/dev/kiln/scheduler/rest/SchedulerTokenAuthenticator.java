package dev.kiln.scheduler.rest;

import dev.kiln.common.auth.Caller;
import dev.kiln.common.auth.ConfiguredTokenAuthenticator;
import dev.kiln.common.auth.TokenAuthenticator;
import dev.kiln.common.auth.Tokens;
import dev.kiln.common.auth.UserToken;
import dev.kiln.common.auth.WorkRequestToken;
import dev.kiln.scheduler.repository.WorkerRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The scheduler knows one kind of token more than the other services: worker tokens (issued by
 * registration, stored as SHA-256), for the worker's own REST endpoints, tried after kiln-common's
 * standard kinds.
 */
@ApplicationScoped
public class SchedulerTokenAuthenticator {

  @ConfigProperty(name = "kiln.auth.admin-token")
  String adminToken;

  @ConfigProperty(name = "kiln.auth.work-request-token-secret")
  String workRequestTokenSecret;

  @ConfigProperty(name = "kiln.auth.accept-user-tokens", defaultValue = "false")
  boolean acceptUserTokens;

  @ConfigProperty(name = "kiln.auth.workflow-service-token")
  Optional<String> workflowServiceToken;

  @Inject WorkerRepository workers;

  @Produces
  @ApplicationScoped
  TokenAuthenticator authenticator() {
    TokenAuthenticator standard =
        ConfiguredTokenAuthenticator.standard(
            adminToken, workRequestTokenSecret, acceptUserTokens, workflowServiceToken);
    return token -> {
      Optional<Caller> caller = standard.authenticate(token);
      if (caller.isPresent()
          || WorkRequestToken.looksLikeOne(token)
          || UserToken.looksLikeOne(token)) {
        return caller;
      }
      // enabled or not: the endpoint answers 403 for a disabled worker
      String hash = Tokens.hash(token);
      return QuarkusTransaction.requiringNew()
          .call(() -> workers.findByTokenHash(hash).map(w -> Caller.worker(w.id)));
    };
  }
}
