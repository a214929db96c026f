package dev.kiln.agent.task;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;

/**
 * {@code worker/noop} (integration testing): ends as {@code task_data.result} says, success for
 * true and failure for false, and logs what it did.
 */
public final class NoopTask implements WorkerTask {

  @Override
  public String taskType() {
    return "worker";
  }

  @Override
  public String taskName() {
    return "noop";
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public TaskOutcome run(TaskContext context) throws IOException {
    try (BufferedWriter log = Files.newBufferedWriter(context.logFile(), StandardCharsets.UTF_8)) {
      line(
          log,
          "noop: start (work request "
              + context.workRequestId()
              + ", attempt "
              + context.attempt()
              + ")");
      line(log, "noop: task_data " + context.taskData());
      JsonNode result = context.taskData().get("result");
      if (result == null || !result.isBoolean()) {
        line(log, "noop: task_data.result must be a boolean: error");
        return TaskOutcome.error("configure-failed", "task_data.result must be a boolean");
      }
      boolean success = result.booleanValue();
      line(log, "noop: outcome " + (success ? "success" : "failure"));
      return success ? TaskOutcome.success() : TaskOutcome.failure();
    }
  }

  private static void line(BufferedWriter log, String text) throws IOException {
    log.write(Instant.now() + " " + text);
    log.newLine();
  }
}
