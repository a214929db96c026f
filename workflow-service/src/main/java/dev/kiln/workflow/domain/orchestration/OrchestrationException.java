package dev.kiln.workflow.domain.orchestration;

/**
 * An orchestrator could not lay out its workflow (a lookup that resolves to nothing, a conflicting
 * key, a cycle, a child whose task data fails its schema). The workflow (or the callback) then ends
 * as {@code error} with code {@value #CODE}, as in Debusine.
 */
public final class OrchestrationException extends RuntimeException {

  /** The error code in {@code output_data.errors}. */
  public static final String CODE = "orchestrator-failed";

  private static final long serialVersionUID = 1L;

  /** With this message. */
  public OrchestrationException(String message) {
    super(message);
  }
}
