package dev.kiln.scheduler.domain;

import java.util.EnumSet;
import java.util.Set;

/** Status of a work request, with the transitions the architecture allows. */
public enum WorkRequestStatus {
  BLOCKED,
  PENDING,
  RUNNING,
  COMPLETED,
  ABORTED;

  /** The status as stored and sent: lower case. */
  public String wire() {
    return name().toLowerCase();
  }

  public static WorkRequestStatus fromWire(String value) {
    return valueOf(value.toUpperCase());
  }

  public boolean isTerminal() {
    return this == COMPLETED || this == ABORTED;
  }

  /** Whether a work request in this status may move to {@code next}. */
  public boolean canTransitionTo(WorkRequestStatus next) {
    return allowedNext().contains(next);
  }

  private Set<WorkRequestStatus> allowedNext() {
    return switch (this) {
      case BLOCKED -> EnumSet.of(PENDING, ABORTED);
      // RUNNING -> PENDING is a lost lease or a de-assignment; PENDING -> BLOCKED a new dependency.
      case PENDING -> EnumSet.of(BLOCKED, RUNNING, COMPLETED, ABORTED);
      case RUNNING -> EnumSet.of(PENDING, COMPLETED, ABORTED);
      case COMPLETED, ABORTED -> EnumSet.noneOf(WorkRequestStatus.class);
    };
  }
}
