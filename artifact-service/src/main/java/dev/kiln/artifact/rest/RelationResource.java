package dev.kiln.artifact.rest;

import dev.kiln.artifact.retention.RetentionService;
import dev.kiln.common.problem.ApiException;
import dev.kiln.common.rest.BearerTokenFilter;
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
import jakarta.ws.rs.core.Response;
import java.util.List;

/** Relations of an artifact: {@code extends}, {@code relates-to}, {@code built-using}. */
@Path("/api/v1/artifacts/{id}/relations")
@Produces(MediaType.APPLICATION_JSON)
public class RelationResource {

  /** A relation to create: the target artifact and the relation type. */
  public record NewRelation(Long target, String type) {}

  @Inject RetentionService retention;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response relate(
      @PathParam("id") long id, NewRelation body, @Context ContainerRequestContext ctx) {
    if (body == null || body.target() == null) {
      throw ApiException.invalidField("target", "is required");
    }
    return Response.status(201)
        .entity(retention.relate(id, body.target(), body.type(), BearerTokenFilter.caller(ctx)))
        .build();
  }

  /** The relations from and to the artifact. */
  @GET
  public List<RetentionService.Relation> relations(
      @PathParam("id") long id, @Context ContainerRequestContext ctx) {
    return retention.relations(id, BearerTokenFilter.caller(ctx));
  }
}
