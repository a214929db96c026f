package dev.kiln.workflow.template;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.problem.ApiException;
import dev.kiln.common.problem.FieldError;
import dev.kiln.common.rest.BearerTokenFilter;
import dev.kiln.workflow.domain.template.WorkflowTemplate;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * A workspace's workflow templates, by name: viewers read, owners (and admins) write. Errors are
 * {@code application/problem+json} naming the field.
 */
@Path("/api/v1/workspaces/{workspace}/workflow-templates")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "workflow templates")
public class WorkflowTemplateResource {

  @Inject WorkflowTemplateService service;

  /**
   * A template as the API shows and takes it.
   *
   * @param name its name (unique in the workspace); on PUT, the path's (a different one is a 400)
   * @param taskName the workflow it starts
   * @param taskData parameters users cannot change
   * @param defaultTaskData parameters users may override
   * @param priority base priority of the workflows it starts (above 0: owners and admins)
   */
  public record TemplateBody(
      String name,
      String taskName,
      ObjectNode taskData,
      ObjectNode defaultTaskData,
      Integer priority) {

    static TemplateBody of(WorkflowTemplate t) {
      return new TemplateBody(
          t.name(), t.taskName(), t.taskData(), t.defaultTaskData(), t.priority());
    }

    WorkflowTemplate toTemplate(String workspace, String pathName) {
      List<FieldError> errors = new ArrayList<>();
      String n = pathName != null ? pathName : name;
      if (n == null || n.isBlank()) {
        errors.add(new FieldError("name", "is required"));
      } else if (pathName != null && name != null && !name.equals(pathName)) {
        errors.add(new FieldError("name", "differs from the path's '" + pathName + "'"));
      }
      if (taskName == null || taskName.isBlank()) {
        errors.add(new FieldError("task_name", "is required"));
      }
      if (!errors.isEmpty()) {
        throw ApiException.invalid(errors);
      }
      var nodes = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
      return new WorkflowTemplate(
          workspace,
          n,
          taskName,
          taskData == null ? nodes.objectNode() : taskData,
          defaultTaskData == null ? nodes.objectNode() : defaultTaskData,
          priority == null ? 0 : priority);
    }
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Create a workflow template (workspace owners)",
      description =
          "task_data holds the fixed parameters, default_task_data those users may override; both"
              + " are checked against the workflow's schema (400 naming the field). 409 when the"
              + " name is taken.")
  public Response create(
      @PathParam("workspace") String workspace,
      TemplateBody body,
      @Context ContainerRequestContext ctx,
      @Context UriInfo uri) {
    if (body == null) {
      throw new ApiException(ApiException.Kind.INVALID_INPUT, "a JSON body is required");
    }
    WorkflowTemplate t =
        service.create(body.toTemplate(workspace, null), BearerTokenFilter.caller(ctx));
    return Response.created(uri.getAbsolutePathBuilder().path(t.name()).build())
        .entity(TemplateBody.of(t))
        .build();
  }

  @GET
  @Operation(summary = "The workspace's workflow templates, by name (viewers)")
  public List<TemplateBody> list(
      @PathParam("workspace") String workspace, @Context ContainerRequestContext ctx) {
    return service.list(workspace, BearerTokenFilter.caller(ctx)).stream()
        .map(TemplateBody::of)
        .toList();
  }

  @GET
  @Path("/{name}")
  @Operation(summary = "One workflow template (viewers)")
  public TemplateBody get(
      @PathParam("workspace") String workspace,
      @PathParam("name") String name,
      @Context ContainerRequestContext ctx) {
    return TemplateBody.of(service.get(workspace, name, BearerTokenFilter.caller(ctx)));
  }

  @PUT
  @Path("/{name}")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Replace a workflow template's parameters and priority (workspace owners)")
  public TemplateBody update(
      @PathParam("workspace") String workspace,
      @PathParam("name") String name,
      TemplateBody body,
      @Context ContainerRequestContext ctx) {
    if (body == null) {
      throw new ApiException(ApiException.Kind.INVALID_INPUT, "a JSON body is required");
    }
    return TemplateBody.of(
        service.update(body.toTemplate(workspace, name), BearerTokenFilter.caller(ctx)));
  }

  @DELETE
  @Path("/{name}")
  @Operation(summary = "Delete a workflow template (workspace owners)")
  public Response delete(
      @PathParam("workspace") String workspace,
      @PathParam("name") String name,
      @Context ContainerRequestContext ctx) {
    service.delete(workspace, name, BearerTokenFilter.caller(ctx));
    return Response.noContent().build();
  }
}
