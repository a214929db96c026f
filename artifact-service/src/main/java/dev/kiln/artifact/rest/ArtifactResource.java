package dev.kiln.artifact.rest;

import dev.kiln.artifact.config.ArtifactConfig;
import dev.kiln.artifact.service.ArtifactFile;
import dev.kiln.artifact.service.ArtifactService;
import dev.kiln.artifact.service.ArtifactView;
import dev.kiln.artifact.service.FileTransferService;
import dev.kiln.artifact.service.NewArtifact;
import dev.kiln.artifact.service.UploadResult;
import dev.kiln.common.problem.ApiException;
import dev.kiln.common.rest.BearerTokenFilter;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Optional;

/** Artifacts: create and read them, upload and download their files. */
@Path("/api/v1/artifacts")
@Produces(MediaType.APPLICATION_JSON)
public class ArtifactResource {

  @Inject ArtifactService artifacts;
  @Inject FileTransferService transfers;
  @Inject ArtifactConfig config;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response create(
      NewArtifact request, @Context ContainerRequestContext ctx, @Context UriInfo uri) {
    if (request == null) {
      throw new ApiException(ApiException.Kind.INVALID_INPUT, "a JSON body is required");
    }
    ArtifactView created = artifacts.create(request, BearerTokenFilter.caller(ctx));
    return Response.created(uri.getAbsolutePathBuilder().path(String.valueOf(created.id())).build())
        .entity(created)
        .build();
  }

  @GET
  @Path("/{id}")
  public ArtifactView get(@PathParam("id") long id, @Context ContainerRequestContext ctx) {
    return artifacts.get(id, BearerTokenFilter.caller(ctx));
  }

  /**
   * Uploads the whole content of a declared file: 201 when it completes the file, 200 when the file
   * was complete already, 409 when the content is not the declared one. The body is read from the
   * connection with back-pressure (see {@link RequestBodyStream}), not as an entity.
   */
  @PUT
  @Path("/{id}/files/{path: .+}")
  @Consumes(MediaType.WILDCARD)
  public Response upload(
      @PathParam("id") long id,
      @PathParam("path") String path,
      @Context HttpServerRequest request,
      @Context ContainerRequestContext ctx) {
    try (RequestBodyStream body =
        new RequestBodyStream(request, config.uploadIdleTimeout().toMillis())) {
      UploadResult result = transfers.upload(id, path, body, BearerTokenFilter.caller(ctx));
      return Response.status(result.newlyComplete() ? 201 : 200).entity(result.file()).build();
    }
  }

  /**
   * Streams the content of a complete file, tagged with its SHA-256. A file of a local store is
   * sent from the file system at the pace of the client; Quarkus REST writes an {@code InputStream}
   * entity ahead of a slow client, so that is only the fallback of other stores.
   */
  @GET
  @Path("/{id}/files/{path: .+}")
  @Produces(MediaType.WILDCARD)
  public Response download(
      @PathParam("id") long id,
      @PathParam("path") String path,
      @Context Request request,
      @Context ContainerRequestContext ctx) {
    ArtifactFile file = transfers.describeDownload(id, path, BearerTokenFilter.caller(ctx));
    EntityTag tag = new EntityTag(file.sha256());
    Response.ResponseBuilder notModified = request.evaluatePreconditions(tag);
    if (notModified != null) {
      return notModified.tag(tag).build();
    }
    Optional<java.nio.file.Path> local = transfers.localFile(file);
    Object content = local.isPresent() ? local.get() : transfers.open(file);
    return Response.ok(content, MediaType.APPLICATION_OCTET_STREAM_TYPE)
        .tag(tag)
        .header(HttpHeaders.CONTENT_LENGTH, file.size())
        .build();
  }
}
