package dev.kiln.task.workflow;

import java.util.Objects;
import java.util.Optional;

/**
 * How a workflow ends, from its direct children: the one copy of the rule, applied by the scheduler
 * (set-based, when the last unfinished child of a workflow finishes) and by the workflow service's
 * in-memory orchestration.
 *
 * <p>Once no child is blocked, pending or running, the workflow ends aborted if any child was
 * aborted, failed if any child failed (or ended in error) without {@code allow_failure}, else
 * succeeded. Children superseded by a retry do not count (the caller leaves them out). A workflow
 * with no children succeeds.
 */
public final class WorkflowCompletion {

  private WorkflowCompletion() {}

  /** How a workflow ended. */
  public enum End {
    /** Every child succeeded, was skipped, or was allowed to fail. */
    SUCCESS,
    /** A child failed (or ended in error) without {@code allow_failure}. */
    FAILURE,
    /** A child was aborted. */
    ABORTED
  }

  /**
   * What counts of one child, or of a group of alike children.
   *
   * @param status {@code blocked}, {@code pending}, {@code running}, {@code completed} or {@code
   *     aborted}
   * @param result {@code success}, {@code failure}, {@code error} or {@code skipped} when completed
   * @param allowFailure its {@code workflow_data.allow_failure}
   */
  public record Child(String status, String result, boolean allowFailure) {

    /** Checks the status is given. */
    public Child {
      Objects.requireNonNull(status, "status");
    }

    /** Blocked, pending or running. */
    public boolean isUnfinished() {
      return switch (status) {
        case "blocked", "pending", "running" -> true;
        default -> false;
      };
    }
  }

  /**
   * How a workflow with these direct children ends, or empty while one is still blocked, pending or
   * running.
   */
  public static Optional<End> of(Iterable<Child> children) {
    boolean aborted = false;
    boolean failed = false;
    for (Child c : children) {
      if (c.isUnfinished()) {
        return Optional.empty();
      }
      if ("aborted".equals(c.status())) {
        aborted = true;
      } else if (!"success".equals(c.result()) && !"skipped".equals(c.result())) {
        failed |= !c.allowFailure();
      }
    }
    if (aborted) {
      return Optional.of(End.ABORTED);
    }
    return Optional.of(failed ? End.FAILURE : End.SUCCESS);
  }
}
