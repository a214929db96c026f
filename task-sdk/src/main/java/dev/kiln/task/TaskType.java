package dev.kiln.task;

import java.util.Optional;

/** The six task types of a work request, with their wire names. */
public enum TaskType {
  /** Runs on an external worker, usually inside an executor backend. */
  WORKER("worker"),
  /** Runs server-side with database access; never runs user code. */
  SERVER("server"),
  /** Handled by the scheduler itself (synchronization points, workflow callbacks). */
  INTERNAL("internal"),
  /** A workflow: a graph of other work requests. */
  WORKFLOW("workflow"),
  /** Runs on a signing worker, the only place signing keys exist. */
  SIGNING("signing"),
  /** Waits for something else to happen (a delay, a user action). */
  WAIT("wait");

  private final String wire;

  TaskType(String wire) {
    this.wire = wire;
  }

  /** The name used in APIs, tags and schema paths, e.g. {@code worker}. */
  public String wire() {
    return wire;
  }

  /** Whether tasks of this type run on external workers or signing workers. */
  public boolean isExternal() {
    return this == WORKER || this == SIGNING;
  }

  /**
   * Whether tasks of this type are executed by some worker process (an agent or a server-task
   * runner) that must report the task's version, as opposed to being handled by the scheduler or
   * the workflow orchestrator.
   */
  public boolean isRunByWorker() {
    return this == WORKER || this == SIGNING || this == SERVER;
  }

  /** The type with this wire name, if any. */
  public static Optional<TaskType> fromWire(String wire) {
    for (TaskType t : values()) {
      if (t.wire.equals(wire)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return wire;
  }
}
