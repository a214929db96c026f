package dev.kiln.agentclient;

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
 * A test double of the runner of {@code worker/noop} for the agent's real core ({@code
 * dev.kiln.agent.core.AgentCore}): the real scheduler knows only the SDK's tasks, so the fault
 * tests and the agent RSS benchmark run noop work requests with this, which runs a shell script
 * through the agent's process runner (own process group; SIGTERM, grace, SIGKILL on abort) and
 * writes its output to the task log line by line, flushed at each line so that the live log streams
 * it as it would a build's.
 *
 * <p>It needs the worker agent's classes at run time with their dependencies (task SDK, Jackson,
 * JBoss Logging): this module takes the agent's jar without them, so its user brings them.
 */
public final class ScriptedNoopTask implements WorkerTask {

  private final String script;
  private final ProcessRunner runner = new ProcessRunner(Duration.ofSeconds(2));

  /** Runs {@code sh -c script} for every noop work request; its exit status is the result. */
  public ScriptedNoopTask(String script) {
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
