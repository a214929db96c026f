package dev.kiln.artifact.rest;

import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Takes the body of every file upload ({@code PUT /api/v1/artifacts/{id}/files/{path}}) over from
 * Vert.x as soon as the request's head is routed, on the event loop, before any byte of the body is
 * decoded: see {@link NettyRequestBody}. The upload's resource method finds it in the routing
 * context under {@link #BODY}. A body nobody claimed (the request was refused before its body was
 * read) is closed when the response ends, so the rest of it is dropped.
 */
@ApplicationScoped
public class UploadBodyRoute {

  /** The routing context's key of the request's {@link NettyRequestBody}. */
  static final String BODY = NettyRequestBody.class.getName();

  void install(@Observes Router router) {
    router
        .put()
        .pathRegex("/api/v1/artifacts/[^/]+/files/.+")
        .order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT + 1)
        .handler(
            routing -> {
              NettyRequestBody.install(routing.request())
                  .ifPresent(
                      body -> {
                        routing.put(BODY, body);
                        routing.addEndHandler(ignored -> body.close());
                      });
              routing.next();
            });
  }
}
