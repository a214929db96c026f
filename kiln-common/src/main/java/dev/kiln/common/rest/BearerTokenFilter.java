package dev.kiln.common.rest;

import dev.kiln.common.auth.Caller;
import dev.kiln.common.auth.TokenAuthenticator;
import dev.kiln.common.auth.Tokens;
import dev.kiln.common.problem.ApiException;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;
import java.util.Optional;

/**
 * Every {@code /api/} call must carry {@code Authorization: Bearer <token>}; the caller it proves
 * is stored in the request as {@link #CALLER}. Health and metrics ({@code /q/}) stay open.
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
public class BearerTokenFilter implements ContainerRequestFilter {

  /** Request property that holds the authenticated {@link Caller}. */
  public static final String CALLER = "kiln.caller";

  @Inject TokenAuthenticator authenticator;

  @Override
  public void filter(ContainerRequestContext request) {
    String path = request.getUriInfo().getPath();
    if (!path.startsWith("/api/") && !path.startsWith("api/")) {
      return;
    }
    String token =
        Tokens.fromAuthorizationHeader(request.getHeaderString(HttpHeaders.AUTHORIZATION));
    if (token == null) {
      request.abortWith(
          ProblemResponses.of(
              ApiException.unauthenticated("send a token as 'Authorization: Bearer <token>'"),
              path));
      return;
    }
    Optional<Caller> caller = authenticator.authenticate(token);
    if (caller.isEmpty()) {
      request.abortWith(
          ProblemResponses.of(
              ApiException.unauthenticated("the token is unknown, disabled or expired"), path));
      return;
    }
    request.setProperty(CALLER, caller.get());
  }

  /** The caller of the current request, as the filter stored it. */
  public static Caller caller(ContainerRequestContext request) {
    Object caller = request.getProperty(CALLER);
    if (caller instanceof Caller c) {
      return c;
    }
    throw ApiException.unauthenticated("no authenticated caller");
  }
}
