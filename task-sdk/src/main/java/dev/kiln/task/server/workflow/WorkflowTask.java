package dev.kiln.task.server.workflow;

import dev.kiln.task.TaskData;
import dev.kiln.task.server.DbTask;
import dev.kiln.task.server.DbTaskContext;
import dev.kiln.task.server.DbTaskDefinition;

/**
 * A workflow as a DB task: its task data is validated and read like any task's, and the workflow
 * service's orchestrator for the same {@code task_name} lays out its children. A workflow is never
 * run by a worker process, so it requires no version tag.
 *
 * @param <D> the workflow's task data record
 */
public final class WorkflowTask<D extends TaskData> extends DbTask<D> {

  /**
   * @param definition the workflow's definition
   * @param data its task data
   * @param context what it may use on the server
   */
  public WorkflowTask(DbTaskDefinition<D> definition, D data, DbTaskContext context) {
    super(definition, data, context);
  }
}
