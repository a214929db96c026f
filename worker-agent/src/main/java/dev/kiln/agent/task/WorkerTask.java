package dev.kiln.agent.task;

import java.io.IOException;

/**
 * Runs one task of the task SDK on this agent, found by (task_type, task_name) in a {@link
 * TaskRegistry}: the SDK defines the task (task data, input fields, tags), this runs it. One
 * instance serves every attempt, possibly several at once: keep per-attempt state in the {@link
 * TaskContext}, whose {@link TaskContext#task()} is the SDK's task instance for the attempt.
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
