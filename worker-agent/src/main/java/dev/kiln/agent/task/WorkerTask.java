package dev.kiln.agent.task;

import java.io.IOException;

/**
 * A task the agent can run. Implementations must stop promptly when their thread is interrupted (an
 * abort).
 */
public interface WorkerTask {

  /** The task_type it runs ({@code worker} or {@code signing}). */
  String taskType();

  /** The task_name it runs. */
  String taskName();

  /** The version reported to the scheduler as a tag {@code task:<type>:<name>:v<version>}. */
  int version();

  /** Runs one attempt. */
  TaskOutcome run(TaskContext context) throws IOException, InterruptedException;
}
