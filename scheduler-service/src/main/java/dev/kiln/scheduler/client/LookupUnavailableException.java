package dev.kiln.scheduler.client;

/** The lookup API could not answer (unreachable, timed out, refused the call): retry later. */
public class LookupUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public LookupUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
