package dev.kiln.common.rest;

import dev.kiln.common.problem.ApiException;
import dev.kiln.common.problem.Problem;
import jakarta.ws.rs.core.Response;

/** Builds {@code application/problem+json} responses. */
public final class ProblemResponses {

  private ProblemResponses() {}

  public static Response of(ApiException e, String instance) {
    Problem problem = e.toProblem(instance);
    Response.ResponseBuilder builder =
        Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem);
    if (e.kind() == ApiException.Kind.UNAUTHENTICATED) {
      builder.header("WWW-Authenticate", "Bearer");
    }
    return builder.build();
  }
}
