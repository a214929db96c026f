package dev.kiln.agent.core;

import dev.kiln.agent.task.TaskContext;
import dev.kiln.agent.task.TaskOutcome;
import dev.kiln.agent.task.WorkerTask;
import dev.kiln.agent.testing.TestDefinitions;
import dev.kiln.task.external.ExternalTask;
import dev.kiln.task.external.ExternalTaskDefinition;
import dev.kiln.task.input.InputValues;
import dev.kiln.task.model.EmptyTaskData;
import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.CountDownLatch;

/** {@code worker/gated}: logs, then waits until released (success) or interrupted. */
final class GatedTask implements WorkerTask {

  /** The SDK side of {@code worker/gated}: task data {@code {}}, no input fields. */
  static final class Definition extends ExternalTask<EmptyTaskData> {
    static final ExternalTaskDefinition<EmptyTaskData> DEFINITION =
        ExternalTaskDefinition.worker("gated", 1, EmptyTaskData.class, Definition::new)
            .schemaResource("/task-data-test/gated.schema.json")
            .build();

    private Definition(
        ExternalTaskDefinition<EmptyTaskData> d, EmptyTaskData data, InputValues inputs) {
      super(d, data, inputs);
    }
  }

  /** The SDK's worker tasks and {@code worker/gated}. */
  static final dev.kiln.task.TaskRegistry DEFINITIONS =
      TestDefinitions.catalogueWith(Definition.DEFINITION);

  final CountDownLatch started = new CountDownLatch(1);
  final CountDownLatch release = new CountDownLatch(1);
  final CountDownLatch interrupted = new CountDownLatch(1);

  @Override
  public String taskType() {
    return "worker";
  }

  @Override
  public String taskName() {
    return "gated";
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public TaskOutcome run(TaskContext context) throws IOException, InterruptedException {
    Files.writeString(context.logFile(), "gated: started\n");
    started.countDown();
    try {
      release.await();
    } catch (InterruptedException e) {
      interrupted.countDown();
      throw e;
    }
    Files.writeString(
        context.logFile(), "gated: released\n", java.nio.file.StandardOpenOption.APPEND);
    return TaskOutcome.success();
  }
}
