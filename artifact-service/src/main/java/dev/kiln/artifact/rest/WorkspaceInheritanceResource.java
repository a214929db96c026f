package dev.kiln.artifact.rest;

import dev.kiln.artifact.collection.WorkspaceInheritanceService;
import dev.kiln.common.rest.BearerTokenFilter;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * A workspace's inheritance chain (Debusine's {@code /workspace/<workspace>/inheritance/}): the
 * workspaces whose collections its lookups fall back to, in order.
 */
@Path("/api/v1/workspaces/{workspace}/inheritance")
@Produces(MediaType.APPLICATION_JSON)
public class WorkspaceInheritanceResource {

  /** The direct parents, in lookup order. */
  public record Chain(List<String> chain) {}

  @Inject WorkspaceInheritanceService inheritance;

  /** Viewers of the workspace. */
  @GET
  public Chain get(@PathParam("workspace") String workspace, @Context ContainerRequestContext ctx) {
    return new Chain(inheritance.parents(workspace, BearerTokenFilter.caller(ctx)));
  }

  /**
   * Replaces the chain: owners of the workspace who can read every parent; 400 naming {@code
   * chain[i]} for a blank, repeated or looping parent.
   */
  @PUT
  @Consumes(MediaType.APPLICATION_JSON)
  public Chain set(
      @PathParam("workspace") String workspace, Chain body, @Context ContainerRequestContext ctx) {
    return new Chain(
        inheritance.setParents(
            workspace, body == null ? null : body.chain(), BearerTokenFilter.caller(ctx)));
  }
}
