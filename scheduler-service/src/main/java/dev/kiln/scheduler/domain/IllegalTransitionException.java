package dev.kiln.scheduler.domain;

import dev.kiln.common.problem.ApiException;

/**
 * A status change that {@link WorkRequestStatus#TRANSITIONS} does not allow; names the move. An
 * {@link ApiException} of kind {@code PRECONDITION_FAILED}, so a service can let it through.
 */
public final class IllegalTransitionException extends ApiException {

  private final WorkRequestStatus from;
  private final WorkRequestStatus to;

  /** The move {@code from -> to} is illegal. */
  public IllegalTransitionException(WorkRequestStatus from, WorkRequestStatus to) {
    super(
        Kind.PRECONDITION_FAILED,
        "illegal work request transition "
            + from.wire()
            + " -> "
            + to.wire()
            + (from.isTerminal() ? " (" + from.wire() + " is terminal)" : ""));
    this.from = from;
    this.to = to;
  }

  /** The status the work request is in. */
  public WorkRequestStatus from() {
    return from;
  }

  /** The status it was asked to take. */
  public WorkRequestStatus to() {
    return to;
  }
}
