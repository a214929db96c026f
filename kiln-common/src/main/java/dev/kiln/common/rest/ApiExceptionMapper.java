package dev.kiln.common.rest;

import dev.kiln.common.problem.ApiException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** The one table from domain error to HTTP status lives in {@link ApiException.Kind}. */
@Provider
public class ApiExceptionMapper implements ExceptionMapper<ApiException> {

  @Context UriInfo uriInfo;

  @Override
  public Response toResponse(ApiException e) {
    return ProblemResponses.of(e, uriInfo == null ? null : uriInfo.getPath());
  }
}
