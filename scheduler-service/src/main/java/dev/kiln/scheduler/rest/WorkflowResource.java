package dev.kiln.scheduler.rest;

import dev.kiln.common.rest.BearerTokenFilter;
import dev.kiln.scheduler.service.GraphMutationRequest;
import dev.kiln.scheduler.service.GraphMutationService;
import dev.kiln.scheduler.service.WorkflowGraphService;
import dev.kiln.scheduler.service.WorkflowGraphView;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * Workflow graphs (issue #6): the workflow service grows a root workflow's graph with idempotent
 * mutations; users and the workflow service read the graph. Every error is {@code
 * application/problem+json} naming the field at fault.
 */
@Path("/api/v1/workflows")
@Produces(MediaType.APPLICATION_JSON)
public class WorkflowResource {

  @Inject GraphMutationService mutations;
  @Inject WorkflowGraphService graphs;

  @POST
  @Path("/{root_id}/graph-mutations")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Apply a graph mutation to a root workflow (the workflow service or an admin)",
      description =
          "Body: commands/workflow-graph-mutation.v1.schema.json (api-contracts). One transaction"
              + " under the root workflow's lock: each child is ensured by its key (same key and"
              + " spec: left alone; another spec: 409 naming children[i]), parents and edges by key"
              + " (unknown keys and cycles: 400 naming the field), new children start blocked"
              + " (sub-workflows running) and unblock as their dependencies allow. A repeated"
              + " idempotency_key answers the first application with duplicate=true and changes"
              + " nothing; the same key with another body is a 409.")
  @APIResponse(
      responseCode = "200",
      description = "{duplicate, created, children: {key: work request id}} for every key given")
  @APIResponse(responseCode = "400", description = "invalid field (problem+json, errors[])")
  @APIResponse(responseCode = "403", description = "not the workflow service or an admin")
  @APIResponse(responseCode = "404", description = "no such workflow")
  @APIResponse(
      responseCode = "409",
      description = "a child key with another spec, a reused idempotency key, an ended workflow")
  public GraphMutationRequest.Result mutate(
      @Parameter(description = "the root workflow") @PathParam("root_id") long rootId,
      GraphMutationRequest body,
      @Context ContainerRequestContext ctx) {
    return mutations.apply(rootId, body, BearerTokenFilter.caller(ctx));
  }

  @GET
  @Path("/{id}/graph")
  @Operation(
      summary = "The graph of a workflow: nodes, edges, status, result, timing",
      description =
          "The workflow, every descendant (by its stable key, parent key, reactions, status,"
              + " result, superseded_by, times) and the dependency edges among them. For the"
              + " workspace's users (viewer and up), the workflow service and admins.")
  @APIResponse(responseCode = "200", description = "the graph")
  @APIResponse(responseCode = "403", description = "no role in the workflow's workspace")
  @APIResponse(responseCode = "404", description = "no such workflow")
  public WorkflowGraphView graph(@PathParam("id") long id, @Context ContainerRequestContext ctx) {
    return graphs.graph(id, BearerTokenFilter.caller(ctx));
  }
}
