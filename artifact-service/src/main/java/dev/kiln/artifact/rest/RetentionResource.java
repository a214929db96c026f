package dev.kiln.artifact.rest;

import dev.kiln.artifact.retention.RetentionService;
import dev.kiln.common.rest.BearerTokenFilter;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.util.Map;

/** Retention: workspace defaults and sweeps. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class RetentionResource {

  /** A workspace's retention settings. */
  public record WorkspaceRetention(Duration defaultExpirationDelay) {}

  @Inject RetentionService retention;

  @PUT
  @Path("/workspaces/{workspace}/retention")
  @Consumes(MediaType.APPLICATION_JSON)
  public WorkspaceRetention setDefault(
      @PathParam("workspace") String workspace,
      WorkspaceRetention body,
      @Context ContainerRequestContext ctx) {
    retention.setWorkspaceDefault(
        workspace,
        body == null ? null : body.defaultExpirationDelay(),
        BearerTokenFilter.caller(ctx));
    return body;
  }

  /** Runs a retention sweep now (administrators; it also runs on a schedule). */
  @POST
  @Path("/retention/sweep")
  public Map<String, Integer> sweep(@Context ContainerRequestContext ctx) {
    return retention.sweepNow(BearerTokenFilter.caller(ctx));
  }
}
