package dev.kiln.workflow.template;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.problem.ApiException;
import dev.kiln.common.rest.BearerTokenFilter;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Starting a workflow from a template of the workspace (contributors). */
@Path("/api/v1/workspaces/{workspace}/workflows")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "workflow templates")
public class WorkflowStartResource {

  @Inject WorkflowTemplateService service;

  /**
   * A start request.
   *
   * @param template the template's name
   * @param taskData the user's parameters, merged with the template's
   */
  public record StartRequest(String template, JsonNode taskData) {}

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Start a workflow from a template",
      description =
          "The user's task_data is merged with the template (fixed keys may not be changed,"
              + " defaults may); the result must pass the workflow's schema: else 400 naming"
              + " task_data.<field>. The scheduler creates the workflow work request and its view"
              + " is the answer (201). A repeated Idempotency-Key with the same body answers the"
              + " same work request (200); with another body, 409.")
  public Response start(
      @PathParam("workspace") String workspace,
      StartRequest body,
      @HeaderParam("Idempotency-Key") String idempotencyKey,
      @Context ContainerRequestContext ctx) {
    if (body == null) {
      throw new ApiException(ApiException.Kind.INVALID_INPUT, "a JSON body is required");
    }
    WorkflowTemplateService.Started started =
        service.start(
            workspace,
            body.template(),
            body.taskData(),
            BearerTokenFilter.caller(ctx),
            idempotencyKey);
    return Response.status(started.status()).entity(started.workRequest()).build();
  }
}
