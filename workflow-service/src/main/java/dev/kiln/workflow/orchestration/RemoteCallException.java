package dev.kiln.workflow.orchestration;

/**
 * A call to the scheduler or the artifact service failed. {@link #retryable()}: the service could
 * not be reached or answered 5xx (try again later, the event stays uncommitted); else it refused
 * the request (4xx), which trying again will not change.
 */
public class RemoteCallException extends RuntimeException {

  private final int status;

  public RemoteCallException(String message, int status, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** The HTTP status, or 0 when there was no answer. */
  public int status() {
    return status;
  }

  /** Whether trying again may succeed. */
  public boolean retryable() {
    return status == 0 || status >= 500 || status == 429;
  }
}
