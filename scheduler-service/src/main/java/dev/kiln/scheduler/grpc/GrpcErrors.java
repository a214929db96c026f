package dev.kiln.scheduler.grpc;

import dev.kiln.common.problem.ApiException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.jboss.logging.Logger;

/** The gRPC side of the one error table: {@link ApiException.Kind} to status code. */
final class GrpcErrors {

  private static final Logger LOG = Logger.getLogger(GrpcErrors.class);

  private GrpcErrors() {}

  static StatusRuntimeException toStatus(Throwable t) {
    if (t instanceof StatusRuntimeException s) {
      return s;
    }
    if (t instanceof ApiException e) {
      Status status =
          switch (e.kind()) {
            case INVALID_INPUT -> Status.INVALID_ARGUMENT;
            case UNAUTHENTICATED -> Status.UNAUTHENTICATED;
            case FORBIDDEN -> Status.PERMISSION_DENIED;
            case NOT_FOUND -> Status.NOT_FOUND;
            case CONFLICT -> Status.ALREADY_EXISTS;
            case PRECONDITION_FAILED -> Status.FAILED_PRECONDITION;
            case UNAVAILABLE -> Status.UNAVAILABLE;
          };
      return status.withDescription(e.getMessage()).asRuntimeException();
    }
    LOG.error("unexpected error in a gRPC call", t);
    return Status.INTERNAL.withDescription("an unexpected error occurred").asRuntimeException();
  }
}
