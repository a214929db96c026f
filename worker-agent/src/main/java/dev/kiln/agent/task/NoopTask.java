package dev.kiln.agent.task;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;

/** {@code worker/noop}: succeeds or fails as {@code task_data.result} says. */
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
    boolean result = context.taskData().path("result").asBoolean(false);
    Files.write(
        context.logFile(),
        List.of(
            Instant.now()
                + " noop: work request "
                + context.workRequestId()
                + " attempt "
                + context.attempt(),
            Instant.now() + " noop: task_data " + context.taskData(),
            Instant.now() + " noop: result " + result + " -> " + (result ? "success" : "failure")));
    return result ? TaskOutcome.success() : TaskOutcome.failure();
  }
}
