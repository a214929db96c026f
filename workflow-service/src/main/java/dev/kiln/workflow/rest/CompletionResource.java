package dev.kiln.workflow.rest;

import dev.kiln.workflow.domain.WorkRequestCompleted;
import dev.kiln.workflow.service.CompletionService;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** What the workflow service has learnt about completed work requests. */
@Path("/api/v1/work-requests/{id}/completions")
@Produces(MediaType.APPLICATION_JSON)
public class CompletionResource {

  @Inject CompletionService completions;

  @GET
  public List<WorkRequestCompleted> list(@PathParam("id") long workRequestId) {
    return completions.completionsOf(workRequestId);
  }
}
