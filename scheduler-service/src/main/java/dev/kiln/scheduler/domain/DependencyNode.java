package dev.kiln.scheduler.domain;

import java.util.Objects;

/**
 * What dependency rules need to know of one work request.
 *
 * @param id the work request id
 * @param status its status
 * @param result its result when {@code completed}, else null
 * @param allowFailure {@code workflow_data.allow_failure}: its dependents go on whatever its
 *     outcome
 * @param unblockStrategy how it leaves {@code blocked}
 * @param parentRunning whether it may leave {@code blocked} as far as its parent is concerned: true
 *     when it has no parent or the parent workflow is running (Debusine's {@code can_be_unblocked})
 */
public record DependencyNode(
    long id,
    WorkRequestStatus status,
    WorkRequestResult result,
    boolean allowFailure,
    UnblockStrategy unblockStrategy,
    boolean parentRunning) {

  /** Checks that exactly the completed work requests carry a result. */
  public DependencyNode {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(unblockStrategy, "unblockStrategy");
    if ((status == WorkRequestStatus.COMPLETED) != (result != null)) {
      throw new IllegalArgumentException(
          "work request " + id + ": a result goes with status completed, and only with it");
    }
  }

  /** A node with another status (and result). */
  public DependencyNode with(WorkRequestStatus newStatus, WorkRequestResult newResult) {
    return new DependencyNode(
        id, newStatus, newResult, allowFailure, unblockStrategy, parentRunning);
  }

  /** What this work request means to the work requests that depend on it. */
  public Outcome outcome() {
    if (!status.isTerminal()) {
      return Outcome.WAITING;
    }
    if (allowFailure || (status == WorkRequestStatus.COMPLETED && result.isSuccessful())) {
      return Outcome.SATISFIED;
    }
    return Outcome.FAILED;
  }

  /** A dependency's state as its dependents see it. */
  public enum Outcome {
    /** Not terminal yet: dependents wait. */
    WAITING,
    /**
     * Completed with success or skipped; or terminal in any way with {@code allow_failure}, an
     * abort included (Debusine left dependents of an aborted allow-failure dependency blocked
     * forever).
     */
    SATISFIED,
    /** Failure, error or aborted without {@code allow_failure}: blocked dependents are aborted. */
    FAILED
  }
}
