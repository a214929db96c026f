package dev.kiln.common.rest;

import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Replaces Quarkus REST's built-in mapper for wrong or unknown JSON fields, so these errors too are
 * problems naming the field.
 */
@Provider
public class MismatchedInputExceptionMapper implements ExceptionMapper<MismatchedInputException> {

  @Context UriInfo uriInfo;

  @Override
  public Response toResponse(MismatchedInputException e) {
    return ProblemResponses.of(
        JsonInputExceptionMapper.toApiException(e), uriInfo == null ? null : uriInfo.getPath());
  }
}
