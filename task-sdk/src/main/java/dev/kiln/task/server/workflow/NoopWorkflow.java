package dev.kiln.task.server.workflow;

import dev.kiln.task.model.EmptyTaskData;
import dev.kiln.task.server.DbTaskDefinition;

/** {@code workflow/noop}: lays out no children, so it succeeds as soon as it is populated. */
public final class NoopWorkflow {

  /** The definition. */
  public static final DbTaskDefinition<EmptyTaskData> DEFINITION =
      DbTaskDefinition.workflow("noop", 1, EmptyTaskData.class, WorkflowTask::new).build();

  private NoopWorkflow() {}
}
