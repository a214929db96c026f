package dev.kiln.scheduler.rest;

import dev.kiln.common.auth.Caller;
import dev.kiln.common.auth.UserToken;
import dev.kiln.common.problem.ApiException;
import dev.kiln.common.rest.BearerTokenFilter;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Issues user tokens (administrators only). The scheduler owns identities (workers, their tokens),
 * so users are issued here; every service verifies the tokens offline (see {@link UserToken}).
 */
@Path("/api/v1/user-tokens")
@Produces(MediaType.APPLICATION_JSON)
public class UserTokenResource {

  private static final Logger LOG = Logger.getLogger(UserTokenResource.class);

  /**
   * What to issue.
   *
   * @param user the user name
   * @param workspaces the role ({@code viewer}, {@code contributor}, {@code owner}) per workspace
   * @param expiresIn the lifetime (ISO-8601, e.g. {@code P30D}); 30 days when absent, at most 365
   */
  public record NewUserToken(String user, Map<String, String> workspaces, Duration expiresIn) {}

  /** The issued token and what it grants. */
  public record IssuedUserToken(
      String token,
      String user,
      Map<String, String> workspaces,
      Instant issuedAt,
      Instant expiresAt) {}

  @ConfigProperty(name = "kiln.auth.work-request-token-secret")
  String secret;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response issue(NewUserToken body, @Context ContainerRequestContext ctx) {
    Caller caller = BearerTokenFilter.caller(ctx);
    if (!caller.isAdmin()) {
      throw ApiException.forbidden("only administrators may issue user tokens");
    }
    if (body == null) {
      throw new ApiException(ApiException.Kind.INVALID_INPUT, "a JSON body is required");
    }
    UserToken token =
        UserToken.issue(body.user(), body.workspaces(), body.expiresIn(), Instant.now());
    Map<String, String> roles = new TreeMap<>();
    token.workspaces().forEach((ws, role) -> roles.put(ws, role.wire()));
    LOG.infof(
        "%s issued a user token for %s, roles %s, expiring %s",
        caller.name(), token.user(), roles, token.expiresAt());
    return Response.status(201)
        .entity(
            new IssuedUserToken(
                token.sign(secret), token.user(), roles, token.issuedAt(), token.expiresAt()))
        .build();
  }
}
