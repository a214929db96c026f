package dev.kiln.task.server.internal;

import dev.kiln.task.model.EmptyTaskData;
import dev.kiln.task.server.DbTask;
import dev.kiln.task.server.DbTaskContext;
import dev.kiln.task.server.DbTaskDefinition;

/**
 * {@code internal/workflow}: a workflow callback. When it becomes executable the parent workflow's
 * orchestrator runs its callback for {@code workflow_data.step}; the task completes afterwards.
 */
public final class WorkflowCallbackTask extends DbTask<EmptyTaskData> {

  /** The definition. */
  public static final DbTaskDefinition<EmptyTaskData> DEFINITION =
      DbTaskDefinition.internal("workflow", 1, EmptyTaskData.class, WorkflowCallbackTask::new)
          .build();

  private WorkflowCallbackTask(
      DbTaskDefinition<EmptyTaskData> definition, EmptyTaskData data, DbTaskContext context) {
    super(definition, data, context);
  }
}
