package dev.kiln.scheduler.rest;

import dev.kiln.common.auth.Caller;
import dev.kiln.common.problem.ApiException;
import dev.kiln.common.rest.BearerTokenFilter;
import dev.kiln.scheduler.config.LiveLogConfig;
import dev.kiln.scheduler.service.LiveLogService;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The live log of a work request: the lines its agent streamed while it ran, after a cursor, as
 * JSON or plain text; with {@code wait} it long-polls (follow mode). Same access rules as {@code
 * GET /api/v1/work-requests/{id}}.
 */
@Path("/api/v1/work-requests/{id}/log")
public class WorkRequestLogResource {

  /** Header of a text/plain answer: the cursor for the next read. */
  public static final String NEXT_AFTER = "Kiln-Log-Next-After";

  /** Header of a text/plain answer: whether the log is complete (nothing more will come). */
  public static final String COMPLETE = "Kiln-Log-Complete";

  /** Header of a text/plain answer: the lines the scheduler did not keep. */
  public static final String DROPPED = "Kiln-Log-Dropped-Lines";

  @Inject LiveLogService logs;
  @Inject LiveLogConfig config;

  @GET
  @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN})
  @Operation(
      summary = "Read a work request's live log",
      description =
          "Lines after the cursor `after` (a seq; 0 for the start), at most `limit`. With `wait`"
              + " (seconds), waits for a line when there is none yet and the log is not complete:"
              + " follow a running work request by reading again with `next_after`. JSON by"
              + " default; `Accept: text/plain` gives the lines as text, the cursor in the "
              + NEXT_AFTER
              + " header.")
  public Response read(
      @PathParam("id") long id,
      @QueryParam("after") @DefaultValue("0") long after,
      @QueryParam("limit") @DefaultValue("1000") int limit,
      @QueryParam("wait") @DefaultValue("0") int waitSeconds,
      @Context HttpHeaders headers,
      @Context ContainerRequestContext ctx)
      throws InterruptedException {
    if (after < 0) {
      throw ApiException.invalidField("after", "must not be negative");
    }
    if (limit < 1 || limit > 10_000) {
      throw ApiException.invalidField("limit", "must be between 1 and 10000");
    }
    long maxWait = config.maxWait().toSeconds();
    if (waitSeconds < 0 || waitSeconds > maxWait) {
      throw ApiException.invalidField("wait", "must be between 0 and " + maxWait + " seconds");
    }
    Caller caller = BearerTokenFilter.caller(ctx);
    long deadline = System.nanoTime() + waitSeconds * 1_000_000_000L;
    LiveLogService.LogPage page = logs.read(id, after, limit, caller);
    while (page.lines().isEmpty() && !page.complete() && System.nanoTime() < deadline) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      logs.await(id, Math.max(1, Math.min(left, config.pollInterval().toMillis())));
      page = logs.read(id, after, limit, caller);
    }
    if (wantsText(headers)) {
      String text = page.lines().stream().map(l -> l.line() + "\n").collect(Collectors.joining());
      return Response.ok(text, MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8"))
          .header(NEXT_AFTER, page.nextAfter())
          .header(COMPLETE, page.complete())
          .header(DROPPED, page.droppedLines())
          .build();
    }
    return Response.ok(page, MediaType.APPLICATION_JSON_TYPE).build();
  }

  private static boolean wantsText(HttpHeaders headers) {
    for (MediaType t : headers.getAcceptableMediaTypes()) {
      if (t.isCompatible(MediaType.TEXT_PLAIN_TYPE) && !t.isWildcardType()) {
        return true;
      }
      if (t.isCompatible(MediaType.APPLICATION_JSON_TYPE) || t.isWildcardType()) {
        return false;
      }
    }
    return false;
  }
}
