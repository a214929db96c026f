package dev.kiln.agent.task;

import java.io.IOException;

/**
 * A task the agent can run, found by (task_type, task_name) in a {@link TaskRegistry}. One instance
 * serves every attempt, possibly several at once: keep per-attempt state in the {@link
 * TaskContext}. A later task SDK replaces this interface; keep implementations small.
 */
public interface WorkerTask {

  /** The task_type it runs ({@code worker} on this agent). */
  String taskType();

  /** The task_name it runs. */
  String taskName();

  /** Its version, announced to the scheduler as the tag {@code task:<type>:<name>:v<version>}. */
  int version();

  /**
   * Runs one attempt and says how it ended. A task writes its log to {@link TaskContext#logFile()};
   * the agent uploads that file, if it exists, as the attempt's debug log. The thread is
   * interrupted when the scheduler aborts the attempt or the agent stops: stop promptly then
   * (throwing {@link InterruptedException} is fine).
   *
   * @throws IOException when the task cannot do its work; reported as error {@code execute-failed}
   */
  TaskOutcome run(TaskContext context) throws IOException, InterruptedException;
}
