package dev.kiln.common.rest;

import dev.kiln.common.problem.Problem;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.List;

/** JAX-RS's own errors (unknown path, wrong method, wrong media type) as problems too. */
@Provider
public class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {

  @Context UriInfo uriInfo;

  @Override
  public Response toResponse(WebApplicationException e) {
    int status = e.getResponse().getStatus();
    Response.StatusType type = Response.Status.fromStatusCode(status);
    String title = type == null ? "Error" : type.getReasonPhrase();
    Problem problem =
        new Problem(
            "about:blank",
            title,
            status,
            e.getMessage(),
            uriInfo == null ? null : uriInfo.getPath(),
            List.of());
    return Response.status(status).type(Problem.MEDIA_TYPE).entity(problem).build();
  }
}
