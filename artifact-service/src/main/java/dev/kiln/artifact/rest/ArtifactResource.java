package dev.kiln.artifact.rest;

import dev.kiln.artifact.config.ArtifactConfig;
import dev.kiln.artifact.service.ArtifactFile;
import dev.kiln.artifact.service.ArtifactService;
import dev.kiln.artifact.service.ArtifactView;
import dev.kiln.artifact.service.FileTransferService;
import dev.kiln.artifact.service.NewArtifact;
import dev.kiln.artifact.service.UploadResult;
import dev.kiln.artifact.transfer.ByteRange;
import dev.kiln.artifact.transfer.ChunkResult;
import dev.kiln.artifact.transfer.ContentRange;
import dev.kiln.artifact.transfer.ResumableUploads;
import dev.kiln.artifact.transfer.TarStream;
import dev.kiln.common.problem.ApiException;
import dev.kiln.common.problem.Problem;
import dev.kiln.common.rest.BearerTokenFilter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.HeaderParam;
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
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.resteasy.reactive.PathPart;

/** Artifacts: create and read them, upload and download their files. */
@Path("/api/v1/artifacts")
@Produces(MediaType.APPLICATION_JSON)
public class ArtifactResource {

  /**
   * Upload bodies by reader: {@code connection} ({@link NettyRequestBody}) or {@code vertx} ({@link
   * RequestBodyStream}).
   */
  public static final String UPLOAD_BODIES = "kiln_artifact_upload_bodies_total";

  @Inject ArtifactService artifacts;
  @Inject FileTransferService transfers;
  @Inject ResumableUploads resumable;
  @Inject ArtifactConfig config;
  @Inject MeterRegistry registry;

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

  /**
   * The artifacts created by work requests ({@code ?created_by_work_request=N}, repeated for
   * several: one query for all of them), oldest first.
   */
  @GET
  public java.util.List<dev.kiln.artifact.service.ArtifactSummary> list(
      @jakarta.ws.rs.QueryParam("created_by_work_request") java.util.List<Long> workRequestIds,
      @Context ContainerRequestContext ctx) {
    if (workRequestIds == null || workRequestIds.isEmpty()) {
      throw ApiException.invalidField("created_by_work_request", "is required");
    }
    if (workRequestIds.size() > ArtifactService.MAX_CREATED_BY) {
      throw ApiException.invalidField(
          "created_by_work_request", "at most " + ArtifactService.MAX_CREATED_BY + " at a time");
    }
    return artifacts.createdBy(workRequestIds, BearerTokenFilter.caller(ctx));
  }

  @GET
  @Path("/{id}")
  public ArtifactView get(@PathParam("id") long id, @Context ContainerRequestContext ctx) {
    return artifacts.get(id, BearerTokenFilter.caller(ctx));
  }

  /**
   * Uploads the content of a declared file, whole or in chunks. The body is read from the
   * connection with back-pressure (see {@link NettyRequestBody}, {@link RequestBodyStream}), not as
   * an entity.
   *
   * <p>Without {@code Content-Range} the body is the whole content: 201 when it completes the file,
   * 200 when the file was complete already, 409 when the content is not the declared one.
   *
   * <p>With {@code Content-Range: bytes FIRST-LAST/SIZE} the body is a chunk of a resumable upload
   * (see {@link ResumableUploads}), appended to what was received so far: 308 with {@code Range:
   * bytes=0-<last byte received>} while bytes are missing, 201 with the file when the chunk
   * completed it, 200 when the file was complete already, 409 when the completed content is not the
   * declared one (what was received is discarded: start again from byte 0), 416 with the {@code
   * Range} received so far when FIRST is not the number of bytes received so far or LAST is past
   * the end of the file, 400 when SIZE is not the declared size or the body does not hold
   * LAST-FIRST+1 bytes (the bytes of a short body are kept). {@code Content-Range: bytes *}{@code
   * /SIZE} with an empty body probes: 200 when the file is complete, else 308 with the {@code
   * Range} received so far, without one when nothing was received.
   */
  @PUT
  @Path("/{id}/files/{path: .+}")
  @Consumes(MediaType.WILDCARD)
  public Response upload(
      @PathParam("id") long id,
      @PathParam("path") String path,
      @Context HttpServerRequest request,
      @Context RoutingContext routing,
      @Context ContainerRequestContext ctx,
      @Context UriInfo uri) {
    String contentRange = request.getHeader(ContentRange.HEADER);
    try (UploadBody body = body(request, routing)) {
      if (contentRange == null) {
        UploadResult result = transfers.upload(id, path, body, BearerTokenFilter.caller(ctx));
        return Response.status(result.newlyComplete() ? 201 : 200).entity(result.file()).build();
      }
      ContentRange range = ContentRange.parse(contentRange);
      ChunkResult result = resumable.receive(id, path, range, body, BearerTokenFilter.caller(ctx));
      if (result instanceof ChunkResult.Complete complete) {
        return Response.status(complete.result().newlyComplete() ? 201 : 200)
            .entity(complete.result().file())
            .build();
      }
      if (result instanceof ChunkResult.Incomplete incomplete) {
        return Response.status(308)
            .header("Range", ContentRange.receivedRange(incomplete.received()))
            .build();
      }
      ChunkResult.Refused refused = (ChunkResult.Refused) result;
      String type =
          refused.status() == 416
              ? "https://kiln.dev/problems/range-not-satisfiable"
              : ApiException.Kind.INVALID_INPUT.typeUri();
      return Response.status(refused.status())
          .type(Problem.MEDIA_TYPE)
          .entity(
              new Problem(
                  type,
                  refused.title(),
                  refused.status(),
                  refused.detail(),
                  uri.getPath(),
                  List.of()))
          .header("Range", ContentRange.receivedRange(refused.received()))
          .build();
    }
  }

  /**
   * The body of an upload: the connection's own buffers when {@link UploadBodyRoute} took the body
   * over from Vert.x (HTTP/1.x), else Vert.x's copies of them ({@link RequestBodyStream}).
   */
  private UploadBody body(HttpServerRequest request, RoutingContext routing) {
    long timeout = config.uploadIdleTimeout().toMillis();
    NettyRequestBody direct = routing == null ? null : routing.get(UploadBodyRoute.BODY);
    registry.counter(UPLOAD_BODIES, "reader", direct != null ? "connection" : "vertx").increment();
    if (direct != null) {
      return direct.claim(timeout);
    }
    return new RequestBodyStream(request, timeout);
  }

  /**
   * Streams the content of a complete file, tagged with its SHA-256: 200 with {@code Accept-Ranges:
   * bytes}; 206 with {@code Content-Range} for a {@code Range} of one range ({@code bytes=A-B},
   * {@code A-}, {@code -N}; an {@code If-Range} that is not the file's ETag asks for the whole
   * file); 416 with {@code Content-Range: bytes *}{@code /SIZE} for a range past the end; 304 for a
   * matching {@code If-None-Match}. Other range forms (several ranges) are ignored: 200. A file of
   * a local store is sent from the file system (sendfile) at the pace of the client; Quarkus REST
   * writes an {@code InputStream} entity ahead of a slow client, so that is only the fallback of
   * other stores.
   */
  @GET
  @Path("/{id}/files/{path: .+}")
  @Produces(MediaType.WILDCARD)
  public Response download(
      @PathParam("id") long id,
      @PathParam("path") String path,
      @HeaderParam("Range") String range,
      @HeaderParam("If-Range") String ifRange,
      @Context Request request,
      @Context ContainerRequestContext ctx,
      @Context UriInfo uri) {
    return fileResponse(id, path, range, ifRange, request, ctx, uri, true);
  }

  /** The headers {@link #download} would answer, without the content. */
  @HEAD
  @Path("/{id}/files/{path: .+}")
  @Produces(MediaType.WILDCARD)
  public Response head(
      @PathParam("id") long id,
      @PathParam("path") String path,
      @HeaderParam("Range") String range,
      @HeaderParam("If-Range") String ifRange,
      @Context Request request,
      @Context ContainerRequestContext ctx,
      @Context UriInfo uri) {
    return fileResponse(id, path, range, ifRange, request, ctx, uri, false);
  }

  private Response fileResponse(
      long id,
      String path,
      String rangeHeader,
      String ifRange,
      Request request,
      ContainerRequestContext ctx,
      UriInfo uri,
      boolean withContent) {
    ArtifactFile file = transfers.describeDownload(id, path, BearerTokenFilter.caller(ctx));
    EntityTag tag = new EntityTag(file.sha256());
    Response.ResponseBuilder notModified = request.evaluatePreconditions(tag);
    if (notModified != null) {
      return notModified.tag(tag).header("Accept-Ranges", "bytes").build();
    }
    boolean rangeApplies = ifRange == null || ifRange.trim().equals(tag.toString());
    ByteRange.Request wanted =
        rangeApplies ? ByteRange.parse(rangeHeader, file.size()) : new ByteRange.Whole();
    if (wanted instanceof ByteRange.Unsatisfiable) {
      Response.ResponseBuilder refused =
          Response.status(416)
              .tag(tag)
              .header("Accept-Ranges", "bytes")
              .header(ContentRange.HEADER, ByteRange.unsatisfiedContentRange(file.size()));
      if (withContent) {
        refused
            .type(Problem.MEDIA_TYPE)
            .entity(
                new Problem(
                    "https://kiln.dev/problems/range-not-satisfiable",
                    "Range not satisfiable",
                    416,
                    "the range '"
                        + rangeHeader
                        + "' selects no byte of the "
                        + file.size()
                        + " bytes of the file",
                    uri.getPath(),
                    List.of()));
      }
      return refused.build();
    }
    long offset = 0;
    long length = file.size();
    Response.ResponseBuilder answer;
    if (wanted instanceof ByteRange.Part part) {
      offset = part.range().first();
      length = part.range().length();
      answer =
          Response.status(206).header(ContentRange.HEADER, part.range().contentRange(file.size()));
    } else {
      answer = Response.ok();
    }
    answer
        .type(MediaType.APPLICATION_OCTET_STREAM_TYPE)
        .tag(tag)
        .header("Accept-Ranges", "bytes")
        .header(HttpHeaders.CONTENT_LENGTH, length);
    if (withContent) {
      Optional<java.nio.file.Path> local = transfers.localFile(file);
      Object content;
      if (local.isPresent()) {
        // a PathPart even for the whole file: Quarkus REST applies a Range header to a Path entity
        // on its own, which would disregard If-Range and the Content-Length set here
        content = new PathPart(local.get(), offset, length);
      } else {
        content = transfers.open(file, offset, length);
      }
      answer.entity(content);
    }
    return answer.build();
  }

  /**
   * Streams the complete files of an artifact as a POSIX tar archive (ustar, pax headers for long
   * paths), in path order, each file read from the store as it is written: nothing is buffered
   * whole. Files not uploaded yet are left out. The archive's length is sent beforehand.
   */
  @GET
  @Path("/{id}/tar")
  @Produces("application/x-tar")
  public Response tar(@PathParam("id") long id, @Context ContainerRequestContext ctx) {
    ArtifactView artifact = artifacts.get(id, BearerTokenFilter.caller(ctx));
    List<TarStream.Entry> entries =
        artifact.files().entrySet().stream()
            .filter(f -> f.getValue().complete())
            .map(f -> new TarStream.Entry(f.getKey(), f.getValue().size()))
            .sorted(java.util.Comparator.comparing(TarStream.Entry::path))
            .toList();
    Map<String, ArtifactView.FileView> files = artifact.files();
    long mtime = artifact.createdAt() == null ? 0 : artifact.createdAt().getEpochSecond();
    StreamingOutput archive =
        out ->
            TarStream.write(
                entries,
                mtime,
                e ->
                    transfers.open(
                        new ArtifactFile(
                            id, e.path(), e.size(), files.get(e.path()).sha256(), true)),
                out);
    return Response.ok(archive, "application/x-tar")
        .header(HttpHeaders.CONTENT_LENGTH, TarStream.length(entries, mtime))
        .header("Content-Disposition", "attachment; filename=\"artifact-" + id + ".tar\"")
        .build();
  }
}
