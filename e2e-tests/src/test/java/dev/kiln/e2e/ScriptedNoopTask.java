package dev.kiln.e2e;

import dev.kiln.agent.executor.Cancellation;
import dev.kiln.agent.executor.ExecResult;
import dev.kiln.agent.executor.ProcessRunner;
import dev.kiln.agent.executor.ProcessSpec;
import dev.kiln.agent.task.TaskContext;
import dev.kiln.agent.task.TaskOutcome;
import dev.kiln.agent.task.WorkerTask;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;

/**
 * A test double of the runner of {@code worker/noop}: the real scheduler knows only the SDK's
 * tasks, so the fault tests' agent runs noop work requests with this, which runs a shell script
 * through the agent's process runner (own process group; SIGTERM, grace, SIGKILL on abort) and
 * writes its output to the task log line by line, as a build would.
 */
final class ScriptedNoopTask implements WorkerTask {

  private final String script;
  private final ProcessRunner runner = new ProcessRunner(Duration.ofSeconds(2));

  ScriptedNoopTask(String script) {
    this.script = script;
  }

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
  public TaskOutcome run(TaskContext context) throws IOException, InterruptedException {
    try (BufferedWriter log = Files.newBufferedWriter(context.logFile(), StandardCharsets.UTF_8)) {
      ExecResult r =
          runner.run(
              ProcessSpec.of("sh", "-c", script),
              (stream, line) -> {
                try {
                  log.write(line);
                  log.newLine();
                  log.flush();
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              },
              Cancellation.none());
      return r.succeeded() ? TaskOutcome.success() : TaskOutcome.failure();
    }
  }
}
