package dev.kiln.agent.task;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;

/**
 * What a worker task gets to run one attempt: its data and a private directory. Files a task writes
 * to {@link #logFile()} are uploaded as its debug log.
 *
 * @param workRequestId the work request
 * @param attempt the attempt
 * @param taskData the (configured) task data
 * @param dynamicTaskData what the server resolved for it
 * @param dir the attempt's private directory
 */
public record TaskContext(
    long workRequestId, int attempt, JsonNode taskData, JsonNode dynamicTaskData, Path dir) {

  /** The file the task writes its log to. */
  public Path logFile() {
    return dir.resolve("task.log");
  }
}
