package dev.kiln.artifact.rest;

import dev.kiln.artifact.collection.CollectionItemView;
import dev.kiln.artifact.collection.InternalCollectionService;
import dev.kiln.artifact.collection.InternalItemsWrite;
import dev.kiln.common.rest.BearerTokenFilter;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * A root workflow's internal collection ({@code workflow-<root_id>}), for the workflow service:
 * read its items (all, or those of the {@code name} parameters) in one call, write a batch of
 * promises, bare items and artifacts in one call.
 */
@Path("/api/v1/workflows/{root_id}/internal-collection")
@Produces(MediaType.APPLICATION_JSON)
public class InternalCollectionResource {

  @Inject InternalCollectionService internal;

  @GET
  @Path("/items")
  public List<CollectionItemView> items(
      @PathParam("root_id") long rootId,
      @QueryParam("workspace") String workspace,
      @QueryParam("name") List<String> names,
      @Context ContainerRequestContext ctx) {
    return internal.items(rootId, workspace, names, BearerTokenFilter.caller(ctx));
  }

  @POST
  @Path("/items")
  @Consumes(MediaType.APPLICATION_JSON)
  public InternalItemsWrite.Result write(
      @PathParam("root_id") long rootId,
      InternalItemsWrite request,
      @Context ContainerRequestContext ctx) {
    return internal.write(rootId, request, BearerTokenFilter.caller(ctx));
  }
}
