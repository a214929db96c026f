package dev.kiln.artifact.rest;

import dev.kiln.artifact.collection.CollectionItemView;
import dev.kiln.artifact.collection.CollectionService;
import dev.kiln.artifact.collection.CollectionView;
import dev.kiln.artifact.collection.CopyItemsRequest;
import dev.kiln.artifact.collection.CopyItemsService;
import dev.kiln.artifact.collection.LookupRequest;
import dev.kiln.artifact.collection.LookupResult;
import dev.kiln.artifact.collection.LookupService;
import dev.kiln.artifact.collection.NewCollection;
import dev.kiln.artifact.collection.NewCollectionItem;
import dev.kiln.common.problem.ApiException;
import dev.kiln.common.rest.BearerTokenFilter;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Map;

/** Collections, their items, and lookups. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class CollectionResource {

  @Inject CollectionService collections;
  @Inject LookupService lookups;
  @Inject CopyItemsService copies;

  @POST
  @Path("/collections")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response create(
      NewCollection request, @Context ContainerRequestContext ctx, @Context UriInfo uri) {
    if (request == null) {
      throw new ApiException(ApiException.Kind.INVALID_INPUT, "a JSON body is required");
    }
    CollectionView created = collections.create(request, BearerTokenFilter.caller(ctx));
    return Response.created(uri.getAbsolutePathBuilder().path(String.valueOf(created.id())).build())
        .entity(created)
        .build();
  }

  @GET
  @Path("/collections/{id}")
  public CollectionView get(@PathParam("id") long id, @Context ContainerRequestContext ctx) {
    return collections.get(id, BearerTokenFilter.caller(ctx));
  }

  @GET
  @Path("/collections/{id}/items")
  public List<CollectionItemView> items(
      @PathParam("id") long id, @Context ContainerRequestContext ctx) {
    return collections.items(id, BearerTokenFilter.caller(ctx));
  }

  @POST
  @Path("/collections/{id}/items")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response addItem(
      @PathParam("id") long id, NewCollectionItem request, @Context ContainerRequestContext ctx) {
    if (request == null) {
      throw new ApiException(ApiException.Kind.INVALID_INPUT, "a JSON body is required");
    }
    return Response.status(201)
        .entity(collections.addItem(id, request, BearerTokenFilter.caller(ctx)))
        .build();
  }

  /** The items of a batch of {@code POST /collections/{id}/items/batch}. */
  public record NewCollectionItems(List<NewCollectionItem> items) {}

  @POST
  @Path("/collections/{id}/items/batch")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response addItems(
      @PathParam("id") long id, NewCollectionItems request, @Context ContainerRequestContext ctx) {
    if (request == null || request.items() == null || request.items().isEmpty()) {
      throw ApiException.invalidField("items", "a non-empty list of items is required");
    }
    for (int i = 0; i < request.items().size(); i++) {
      if (request.items().get(i) == null) {
        throw ApiException.invalidField("items[" + i + "]", "an item is an object");
      }
    }
    return Response.status(201)
        .entity(collections.addItems(id, request.items(), BearerTokenFilter.caller(ctx)))
        .build();
  }

  @DELETE
  @Path("/collections/{id}/items/{name}")
  public Response removeItem(
      @PathParam("id") long id,
      @PathParam("name") String name,
      @Context ContainerRequestContext ctx) {
    collections.removeItem(id, name, BearerTokenFilter.caller(ctx));
    return Response.noContent().build();
  }

  /**
   * Copies items into collections in one call and one transaction: {@code {"workspace",
   * "workflow_root_id", "copies": [{"source_items", "target_collection", "replace",
   * "name_template", "variables"}]}} answers {@code {"copies": [[item, ...], ...]}} (201). Every
   * lookup is resolved in one batch; a failing one is a 400 naming {@code copies[i].<field>} and
   * nothing is copied.
   */
  @POST
  @Path("/collections/copy-items")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response copyItems(CopyItemsRequest request, @Context ContainerRequestContext ctx) {
    if (request == null) {
      throw new ApiException(ApiException.Kind.INVALID_INPUT, "a JSON body is required");
    }
    return Response.status(201).entity(copies.copy(request, BearerTokenFilter.caller(ctx))).build();
  }

  /**
   * Resolves a batch of lookups in one round trip: {@code {"workspace", "workflow_root_id",
   * "lookups": {"<key>": {"lookup", "expect_type", "default_category"}}}} answers {@code
   * {"results": {"<key>": result}}}; each result either found something or carries an {@code error}
   * with a code and a message.
   */
  @POST
  @Path("/lookups")
  @Consumes(MediaType.APPLICATION_JSON)
  public Map<String, Map<String, LookupResult>> lookup(
      LookupRequest request, @Context ContainerRequestContext ctx) {
    return Map.of("results", lookups.resolve(request, BearerTokenFilter.caller(ctx)));
  }
}
