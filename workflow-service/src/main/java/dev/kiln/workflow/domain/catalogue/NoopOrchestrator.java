package dev.kiln.workflow.domain.catalogue;

import dev.kiln.task.model.EmptyTaskData;
import dev.kiln.task.server.DbTaskDefinition;
import dev.kiln.task.server.workflow.NoopWorkflow;
import dev.kiln.workflow.domain.orchestration.Layout;
import dev.kiln.workflow.domain.orchestration.Orchestrator;

/** {@code noop}: no children; the workflow succeeds once populated. */
public final class NoopOrchestrator implements Orchestrator<EmptyTaskData> {

  @Override
  public DbTaskDefinition<EmptyTaskData> definition() {
    return NoopWorkflow.DEFINITION;
  }

  @Override
  public void populate(Layout<EmptyTaskData> layout) {
    // Nothing to lay out.
  }
}
