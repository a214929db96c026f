package dev.kiln.scheduler.rest;

import dev.kiln.common.auth.Caller;
import dev.kiln.common.problem.ApiException;
import dev.kiln.common.rest.BearerTokenFilter;
import dev.kiln.scheduler.service.AssignmentView;
import dev.kiln.scheduler.service.DispatchService;
import dev.kiln.scheduler.service.TagIndex;
import dev.kiln.scheduler.service.WorkerAdmin;
import dev.kiln.scheduler.service.WorkerService;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
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
import java.util.List;

/**
 * Workers: the administrators' API (list, enable/disable, concurrency, admin tags) and the worker's
 * own "next work request" endpoint, the REST alternative to the gRPC stream.
 */
@Path("/api/v1/workers")
@Produces(MediaType.APPLICATION_JSON)
public class WorkerResource {

  @Inject WorkerAdmin admin;
  @Inject WorkerService workers;
  @Inject DispatchService dispatch;
  @Inject TagIndex tags;

  @GET
  public List<WorkerAdmin.WorkerView> list(
      @QueryParam("after") Long after,
      @QueryParam("limit") Integer limit,
      @Context ContainerRequestContext ctx) {
    requireAdmin(ctx);
    int n = limit == null ? 100 : limit;
    if (n < 1 || n > 1000) {
      throw ApiException.invalidField("limit", "must be between 1 and 1000");
    }
    return admin.list(after, n);
  }

  @GET
  @Path("/{id}")
  public WorkerAdmin.WorkerView get(
      @PathParam("id") long id, @Context ContainerRequestContext ctx) {
    requireAdmin(ctx);
    return admin.get(id);
  }

  @PATCH
  @Path("/{id}")
  @Consumes(MediaType.APPLICATION_JSON)
  public WorkerAdmin.WorkerView patch(
      @PathParam("id") long id,
      WorkerAdmin.WorkerPatch patch,
      @Context ContainerRequestContext ctx) {
    requireAdmin(ctx);
    return admin.patch(id, patch);
  }

  /** Sets an admin tag; {@code ?kind=required} for a tag work requests must provide. */
  @PUT
  @Path("/{id}/tags/{tag}")
  public WorkerAdmin.WorkerView setTag(
      @PathParam("id") long id,
      @PathParam("tag") String tag,
      @QueryParam("kind") String kind,
      @Context ContainerRequestContext ctx) {
    requireAdmin(ctx);
    return admin.setTag(id, tag, kind);
  }

  @DELETE
  @Path("/{id}/tags/{tag}")
  public WorkerAdmin.WorkerView removeTag(
      @PathParam("id") long id,
      @PathParam("tag") String tag,
      @QueryParam("kind") String kind,
      @Context ContainerRequestContext ctx) {
    requireAdmin(ctx);
    return admin.removeTag(id, tag, kind);
  }

  /**
   * Claims the next work request for the calling worker (worker token): 200 with the assignment,
   * 204 when nothing it may take is pending or it has no free slot.
   */
  @POST
  @Path("/me/next-work-request")
  public Response next(@Context ContainerRequestContext ctx) {
    Caller caller = BearerTokenFilter.caller(ctx);
    if (caller.kind() != Caller.Kind.WORKER) {
      throw ApiException.forbidden("only a worker token may ask for its next work request");
    }
    long workerId = Long.parseLong(caller.name().substring("worker:".length()));
    workers.requireEnabled(workerId);
    tags.invalidate(); // a poll reads the tag classes stored up to now, not only announced ones
    tags.refresh();
    List<DispatchService.Assigned> got = dispatch.claimFor(List.of(workerId), 1).assigned();
    if (got.isEmpty()) {
      return Response.noContent().build();
    }
    AssignmentView a = got.get(0).assignment();
    return Response.ok(a).build();
  }

  private static void requireAdmin(ContainerRequestContext ctx) {
    if (!BearerTokenFilter.caller(ctx).isAdmin()) {
      throw ApiException.forbidden("only administrators manage workers");
    }
  }
}
