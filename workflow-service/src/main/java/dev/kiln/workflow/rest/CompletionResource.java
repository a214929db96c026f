package dev.kiln.workflow.rest;

import dev.kiln.common.auth.Caller;
import dev.kiln.common.problem.ApiException;
import dev.kiln.common.rest.BearerTokenFilter;
import dev.kiln.workflow.domain.WorkRequestCompleted;
import dev.kiln.workflow.service.CompletionService;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** What the workflow service has learnt about completed work requests. */
@Path("/api/v1/work-requests/{id}/completions")
@Produces(MediaType.APPLICATION_JSON)
public class CompletionResource {

  @Inject CompletionService completions;

  @GET
  public List<WorkRequestCompleted> list(
      @PathParam("id") long workRequestId, @Context ContainerRequestContext ctx) {
    // user tokens are accepted for the template endpoints; these records carry no workspace role
    if (BearerTokenFilter.caller(ctx).kind() == Caller.Kind.USER) {
      throw ApiException.forbidden("completions are read by administrators and services");
    }
    return completions.completionsOf(workRequestId);
  }
}
