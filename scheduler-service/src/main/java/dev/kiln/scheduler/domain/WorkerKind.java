package dev.kiln.scheduler.domain;

import dev.kiln.task.TaskType;
import java.util.Optional;

/**
 * The kind of a worker process, fixed when it registers (by the credential it registers with),
 * never by what it reports about itself. Each kind runs one task type.
 */
public enum WorkerKind {
  /** A worker agent: runs {@code worker} tasks. */
  WORKER(TaskType.WORKER),
  /** A signing agent, the only place signing keys exist: runs {@code signing} tasks only. */
  SIGNING(TaskType.SIGNING),
  /** A server-task runner of the workflow service: runs {@code server} tasks. */
  SERVER(TaskType.SERVER);

  private final TaskType runs;

  WorkerKind(TaskType runs) {
    this.runs = runs;
  }

  /** The task type this kind runs. */
  public TaskType runs() {
    return runs;
  }

  /** The kind as stored ({@code worker_type}): lower case. */
  public String wire() {
    return name().toLowerCase();
  }

  /** The kind that runs this task type; empty for the types no worker process runs. */
  public static Optional<WorkerKind> forTaskType(TaskType type) {
    for (WorkerKind k : values()) {
      if (k.runs == type) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }
}
