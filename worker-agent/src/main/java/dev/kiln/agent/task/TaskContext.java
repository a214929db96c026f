package dev.kiln.agent.task;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.agent.taskio.AttemptArtifacts;
import dev.kiln.task.external.ExternalTask;
import java.nio.file.Path;

/**
 * What a task gets to run one attempt.
 *
 * @param workRequestId the work request
 * @param attempt the attempt number (the fencing number of every report)
 * @param workspace the workspace the work request belongs to
 * @param taskData the configured task data, a JSON object
 * @param dynamicTaskData the dynamic task data the scheduler resolved, a JSON object
 * @param workDir the attempt's private directory, removed after the attempt
 * @param logFile where the task writes its log: {@code <task_name>.log} in {@code workDir}
 * @param task the task SDK's instance: the typed task data and the input fields read from {@code
 *     dynamic_task_data} as values (nothing is looked up); null when a test runs a task directly
 * @param artifacts the attempt's inputs and outputs in the artifact service; null when a test runs
 *     a task without one
 */
public record TaskContext(
    long workRequestId,
    int attempt,
    String workspace,
    JsonNode taskData,
    JsonNode dynamicTaskData,
    Path workDir,
    Path logFile,
    ExternalTask<?> task,
    AttemptArtifacts artifacts) {

  /** A context without artifact access (a runner called directly). */
  public TaskContext(
      long workRequestId,
      int attempt,
      String workspace,
      JsonNode taskData,
      JsonNode dynamicTaskData,
      Path workDir,
      Path logFile,
      ExternalTask<?> task) {
    this(
        workRequestId, attempt, workspace, taskData, dynamicTaskData, workDir, logFile, task, null);
  }

  /** A context without an SDK instance (a runner called directly). */
  public TaskContext(
      long workRequestId,
      int attempt,
      String workspace,
      JsonNode taskData,
      JsonNode dynamicTaskData,
      Path workDir,
      Path logFile) {
    this(workRequestId, attempt, workspace, taskData, dynamicTaskData, workDir, logFile, null);
  }
}
