package dev.kiln.agent.core;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kiln.agent.executor.Cancellation;
import dev.kiln.agent.executor.ExecResult;
import dev.kiln.agent.executor.ProcessRunner;
import dev.kiln.agent.executor.ProcessSpec;
import dev.kiln.agent.task.TaskContext;
import dev.kiln.agent.task.TaskOutcome;
import dev.kiln.agent.task.WorkerTask;
import dev.kiln.agent.testing.TestDefinitions;
import dev.kiln.task.TaskData;
import dev.kiln.task.external.ExternalTask;
import dev.kiln.task.external.ExternalTaskDefinition;
import dev.kiln.task.input.InputValues;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * {@code worker/command}: runs {@code task_data.script} with sh through the process runner, logging
 * its output line by line as it comes.
 */
final class CommandTask implements WorkerTask {

  /** Task data of {@code worker/command}. */
  record Data(@JsonProperty(required = true) String script) implements TaskData {}

  /** The SDK side of {@code worker/command}: one script, no input fields. */
  static final class Definition extends ExternalTask<Data> {
    static final ExternalTaskDefinition<Data> DEFINITION =
        ExternalTaskDefinition.worker("command", 1, Data.class, Definition::new)
            .schemaResource("/task-data-test/command.schema.json")
            .build();

    private Definition(ExternalTaskDefinition<Data> d, Data data, InputValues inputs) {
      super(d, data, inputs);
    }
  }

  /** The SDK's worker tasks and {@code worker/command}. */
  static final dev.kiln.task.TaskRegistry DEFINITIONS =
      TestDefinitions.catalogueWith(Definition.DEFINITION);

  final ProcessRunner runner = new ProcessRunner(Duration.ofSeconds(2));

  @Override
  public String taskType() {
    return "worker";
  }

  @Override
  public String taskName() {
    return "command";
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public TaskOutcome run(TaskContext context) throws IOException, InterruptedException {
    Files.writeString(context.logFile(), "");
    ExecResult r =
        runner.run(
            ProcessSpec.of("sh", "-c", context.taskData().path("script").asText()),
            (stream, line) -> {
              try {
                Files.writeString(
                    context.logFile(),
                    line + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            Cancellation.none());
    return r.succeeded() ? TaskOutcome.success() : TaskOutcome.failure();
  }
}
