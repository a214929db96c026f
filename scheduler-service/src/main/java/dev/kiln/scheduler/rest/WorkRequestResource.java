package dev.kiln.scheduler.rest;

import dev.kiln.common.auth.Caller;
import dev.kiln.common.problem.ApiException;
import dev.kiln.common.rest.BearerTokenFilter;
import dev.kiln.scheduler.service.AgentSessions;
import dev.kiln.scheduler.service.NewWorkRequest;
import dev.kiln.scheduler.service.WorkRequestService;
import dev.kiln.scheduler.service.WorkRequestView;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/** Work requests: create and read. */
@Path("/api/v1/work-requests")
@Produces(MediaType.APPLICATION_JSON)
public class WorkRequestResource {

  @Inject WorkRequestService service;
  @Inject AgentSessions sessions;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response create(
      NewWorkRequest request, @Context ContainerRequestContext ctx, @Context UriInfo uri) {
    if (request == null) {
      throw new ApiException(ApiException.Kind.INVALID_INPUT, "a JSON body is required");
    }
    WorkRequestView created = service.create(request, BearerTokenFilter.caller(ctx));
    return Response.created(uri.getAbsolutePathBuilder().path(String.valueOf(created.id())).build())
        .entity(created)
        .build();
  }

  /**
   * Aborts a work request. A running one is stopped on its agent at once when the agent is
   * connected to this replica, else at its next heartbeat.
   */
  @POST
  @Path("/{id}/abort")
  public WorkRequestView abort(@PathParam("id") long id, @Context ContainerRequestContext ctx) {
    Caller caller = BearerTokenFilter.caller(ctx);
    WorkRequestService.Aborted aborted = service.abort(id, caller);
    if (aborted.workerId() != null) {
      sessions
          .get(aborted.workerId())
          .ifPresent(c -> c.abort(id, aborted.attempt(), "aborted by " + caller.name()));
    }
    return aborted.workRequest();
  }

  /**
   * Work requests, newest first. Filters: {@code status}, {@code task_type}, {@code task_name},
   * {@code workspace}, {@code parent_id}. Paging: {@code limit} (default 50, at most 500) and the
   * {@code before} cursor returned as {@code next_before}.
   */
  @GET
  public WorkRequestService.Page list(
      @QueryParam("status") String status,
      @QueryParam("task_type") String taskType,
      @QueryParam("task_name") String taskName,
      @QueryParam("workspace") String workspace,
      @QueryParam("parent_id") Long parentId,
      @QueryParam("before") Long before,
      @QueryParam("limit") @DefaultValue("50") int limit) {
    return service.list(status, taskType, taskName, workspace, parentId, before, limit);
  }

  @GET
  @Path("/{id}")
  public WorkRequestView get(@PathParam("id") long id) {
    return service.get(id);
  }
}
