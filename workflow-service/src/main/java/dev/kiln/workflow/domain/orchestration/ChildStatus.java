package dev.kiln.workflow.domain.orchestration;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The status of a work request, as the scheduler keeps it. */
public enum ChildStatus {
  /** Waiting for its dependencies. */
  @JsonProperty("blocked")
  BLOCKED,
  /** Ready to run. */
  @JsonProperty("pending")
  PENDING,
  /** Running (a workflow runs while its children do). */
  @JsonProperty("running")
  RUNNING,
  /** Ended with a {@link ChildResult}. */
  @JsonProperty("completed")
  COMPLETED,
  /** Stopped before it completed. */
  @JsonProperty("aborted")
  ABORTED;

  /** Whether it can still change: blocked, pending or running. */
  public boolean isUnfinished() {
    return this == BLOCKED || this == PENDING || this == RUNNING;
  }

  /** Whether it ended: completed or aborted. */
  public boolean isTerminal() {
    return !isUnfinished();
  }
}
