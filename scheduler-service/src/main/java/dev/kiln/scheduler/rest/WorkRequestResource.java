package dev.kiln.scheduler.rest;

import dev.kiln.common.auth.Caller;
import dev.kiln.common.problem.ApiException;
import dev.kiln.common.rest.BearerTokenFilter;
import dev.kiln.scheduler.service.AgentSessions;
import dev.kiln.scheduler.service.GraphRequest;
import dev.kiln.scheduler.service.LifecycleService;
import dev.kiln.scheduler.service.NewWorkRequest;
import dev.kiln.scheduler.service.WorkRequestLimits;
import dev.kiln.scheduler.service.WorkRequestService;
import dev.kiln.scheduler.service.WorkRequestView;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Work requests: create (alone or as a graph, idempotent by {@code Idempotency-Key}), read, list,
 * abort, retry, manual unblock, complete (wait, server and workflow tasks), adjust priority. Every
 * error is {@code application/problem+json}; an illegal transition is a 409 naming the move.
 */
@Path("/api/v1/work-requests")
@Produces(MediaType.APPLICATION_JSON)
public class WorkRequestResource {

  @Inject WorkRequestService service;
  @Inject LifecycleService lifecycle;
  @Inject AgentSessions sessions;
  @Inject WorkRequestLimits limits;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Create a work request",
      description =
          "Blocked when it has unsatisfied dependencies or a parent workflow that does not run yet,"
              + " else pending. A repeated Idempotency-Key with the same body returns the same work"
              + " request (200); with another body, 409.")
  public Response create(
      NewWorkRequest request,
      @HeaderParam("Idempotency-Key") String idempotencyKey,
      @Context ContainerRequestContext ctx,
      @Context UriInfo uri) {
    if (request == null) {
      throw new ApiException(ApiException.Kind.INVALID_INPUT, "a JSON body is required");
    }
    LifecycleService.Created created =
        lifecycle.create(request, BearerTokenFilter.caller(ctx), idempotencyKey);
    WorkRequestView wr = created.workRequests().values().iterator().next();
    return (created.replayed() ? Response.ok() : Response.status(Response.Status.CREATED))
        .location(uri.getAbsolutePathBuilder().path(String.valueOf(wr.id())).build())
        .entity(wr)
        .build();
  }

  /** The work requests of a graph, by the client's node keys. */
  public record CreatedGraph(Map<String, WorkRequestView> workRequests) {}

  @POST
  @Path("/graph")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Create a graph of work requests in one transaction",
      description =
          "Nodes have client keys; parents ('parent': a key, or 'parent_id') and dependencies"
              + " ('edges': [{work_request, depends_on}] by key, or a node's 'dependencies' by id)"
              + " stay inside one root workflow and form no cycle (400 naming the nodes).")
  public Response createGraph(
      GraphRequest graph,
      @HeaderParam("Idempotency-Key") String idempotencyKey,
      @Context ContainerRequestContext ctx) {
    if (graph == null) {
      throw new ApiException(ApiException.Kind.INVALID_INPUT, "a JSON body is required");
    }
    LifecycleService.Created created =
        lifecycle.createGraph(graph, BearerTokenFilter.caller(ctx), idempotencyKey);
    return (created.replayed() ? Response.ok() : Response.status(Response.Status.CREATED))
        .entity(new CreatedGraph(created.workRequests()))
        .build();
  }

  /**
   * Aborts a work request and, for a workflow, its unfinished descendants; blocked dependents are
   * aborted unless the aborted one allows failure. Running ones are stopped on their agent at once
   * when it is connected to this replica, else at its next heartbeat.
   */
  @POST
  @Path("/{id}/abort")
  @Operation(summary = "Abort a work request (and a workflow's unfinished descendants)")
  public WorkRequestView abort(@PathParam("id") long id, @Context ContainerRequestContext ctx) {
    Caller caller = BearerTokenFilter.caller(ctx);
    LifecycleService.Aborted aborted = lifecycle.abort(id, caller);
    for (LifecycleService.RunningAbort stop : aborted.stop()) {
      sessions
          .get(stop.workerId())
          .ifPresent(
              c -> c.abort(stop.workRequestId(), stop.attempt(), "aborted by " + caller.name()));
    }
    return aborted.workRequest();
  }

  /** The new work request of a retry and the dependents it took over. */
  public record RetryResult(WorkRequestView workRequest, List<Long> rewiredDependents) {}

  @POST
  @Path("/{id}/retry")
  @Operation(
      summary = "Retry an aborted or failed work request",
      description = "A new work request supersedes it and takes over its waiting dependents.")
  public Response retry(@PathParam("id") long id, @Context ContainerRequestContext ctx) {
    LifecycleService.Retried r = lifecycle.retry(id, BearerTokenFilter.caller(ctx));
    return Response.status(Response.Status.CREATED)
        .entity(new RetryResult(r.workRequest(), r.rewired()))
        .build();
  }

  /**
   * A manual review.
   *
   * @param action {@code accept}, {@code reject} or {@code none} (only notes)
   * @param notes what the reviewer writes
   */
  public record UnblockRequest(String action, String notes) {}

  @POST
  @Path("/{id}/unblock")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Review a work request that unblocks manually (workspace owners)")
  public WorkRequestView unblock(
      @PathParam("id") long id, UnblockRequest body, @Context ContainerRequestContext ctx) {
    UnblockRequest b = body == null ? new UnblockRequest(null, null) : body;
    return lifecycle.unblock(id, b.action(), b.notes(), BearerTokenFilter.caller(ctx));
  }

  /**
   * A completion through the API.
   *
   * @param result {@code success}, {@code failure}, {@code error} or {@code skipped}
   * @param outputData the input a wait task waited for, or what the task produced
   * @param attempt the attempt the result is for (server tasks: the command's), checked against the
   *     work request's when given: a stale one is refused
   */
  public record CompleteRequest(String result, Map<String, Object> outputData, Integer attempt) {}

  @POST
  @Path("/{id}/complete")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Complete a running wait, server, callback or workflow work request",
      description =
          "Wait tasks (not delays): their creator, a workspace owner, an admin or the workflow"
              + " service. Server tasks, callbacks, workflows: the workflow service or an admin.")
  public WorkRequestView complete(
      @PathParam("id") long id, CompleteRequest body, @Context ContainerRequestContext ctx) {
    if (body == null) {
      throw ApiException.invalidField("result", "is required");
    }
    return lifecycle.complete(
        id, body.result(), body.outputData(), body.attempt(), BearerTokenFilter.caller(ctx));
  }

  /**
   * A new priority adjustment.
   *
   * @param priorityAdjustment added to the base priority; above 0 needs the right to manage
   *     priorities
   */
  public record PriorityRequest(Integer priorityAdjustment) {}

  @POST
  @Path("/{id}/priority")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Adjust the priority of a work request")
  public WorkRequestView priority(
      @PathParam("id") long id, PriorityRequest body, @Context ContainerRequestContext ctx) {
    return lifecycle.adjustPriority(
        id, body == null ? null : body.priorityAdjustment(), BearerTokenFilter.caller(ctx));
  }

  /**
   * A new time limit.
   *
   * @param timeLimit how long it may run once started (ISO-8601 such as {@code PT2H}, or seconds);
   *     null removes the limit
   */
  public record TimeLimitRequest(java.time.Duration timeLimit) {}

  @PUT
  @Path("/{id}/time-limit")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Set or remove the time limit of a work request",
      description =
          "A running work request past its limit ends with error (time-limit-exceeded) and is"
              + " aborted on its agent. Only before it ends; by its creator, a workspace owner or"
              + " an admin.")
  public WorkRequestView timeLimit(
      @PathParam("id") long id, TimeLimitRequest body, @Context ContainerRequestContext ctx) {
    if (body == null) {
      throw ApiException.invalidField("time_limit", "is required (null removes the limit)");
    }
    return limits.setTimeLimit(id, body.timeLimit(), BearerTokenFilter.caller(ctx));
  }

  /**
   * Work requests, newest first. Filters: {@code status}, {@code task_type}, {@code task_name},
   * {@code workspace}, {@code parent_id}. Paging: {@code limit} (default 50, at most 500) and the
   * {@code before} cursor returned as {@code next_before}. A user sees the workspaces they have a
   * role in.
   */
  @GET
  public WorkRequestService.Page list(
      @QueryParam("status") String status,
      @QueryParam("task_type") String taskType,
      @QueryParam("task_name") String taskName,
      @QueryParam("workspace") String workspace,
      @QueryParam("parent_id") Long parentId,
      @QueryParam("before") Long before,
      @QueryParam("limit") @DefaultValue("50") int limit,
      @Context ContainerRequestContext ctx) {
    return service.list(
        status,
        taskType,
        taskName,
        workspace,
        parentId,
        before,
        limit,
        BearerTokenFilter.caller(ctx));
  }

  @GET
  @Path("/{id}")
  public WorkRequestView get(@PathParam("id") long id, @Context ContainerRequestContext ctx) {
    return service.get(id, BearerTokenFilter.caller(ctx));
  }
}
