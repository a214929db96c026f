package dev.kiln.common.rest;

import dev.kiln.common.problem.Problem;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Anything unexpected: logged with an id, answered as a 500 problem that names the id but no class,
 * stack trace or SQL.
 */
@Provider
public class UnexpectedExceptionMapper implements ExceptionMapper<Exception> {

  private static final Logger LOG = Logger.getLogger(UnexpectedExceptionMapper.class);

  @Context UriInfo uriInfo;

  @Override
  public Response toResponse(Exception e) {
    String id = UUID.randomUUID().toString();
    LOG.errorf(e, "unexpected error %s", id);
    Problem problem =
        new Problem(
            "about:blank",
            "Internal error",
            500,
            "an unexpected error occurred; it was logged as " + id,
            uriInfo == null ? null : uriInfo.getPath(),
            List.of());
    return Response.status(500).type(Problem.MEDIA_TYPE).entity(problem).build();
  }
}
