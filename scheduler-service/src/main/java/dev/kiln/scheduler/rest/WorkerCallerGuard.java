package dev.kiln.scheduler.rest;

import dev.kiln.common.auth.Caller;
import dev.kiln.common.problem.ApiException;
import dev.kiln.common.rest.BearerTokenFilter;
import dev.kiln.common.rest.ProblemResponses;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;

/**
 * A worker token opens the worker's own endpoints ({@code /api/v1/workers/me/…}) and nothing else:
 * the other endpoints were written for administrators, users and work request tokens.
 */
@Provider
@Priority(Priorities.AUTHENTICATION + 1)
public class WorkerCallerGuard implements ContainerRequestFilter {

  @Override
  public void filter(ContainerRequestContext request) {
    if (!(request.getProperty(BearerTokenFilter.CALLER) instanceof Caller c)
        || c.kind() != Caller.Kind.WORKER) {
      return;
    }
    String path = request.getUriInfo().getPath();
    if (!path.startsWith("/api/v1/workers/me/") && !path.startsWith("api/v1/workers/me/")) {
      request.abortWith(
          ProblemResponses.of(
              ApiException.forbidden("a worker token only opens /api/v1/workers/me/"), path));
    }
  }
}
