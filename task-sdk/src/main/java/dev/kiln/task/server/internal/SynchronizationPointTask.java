package dev.kiln.task.server.internal;

import dev.kiln.task.model.EmptyTaskData;
import dev.kiln.task.server.DbTask;
import dev.kiln.task.server.DbTaskContext;
import dev.kiln.task.server.DbTaskDefinition;

/**
 * {@code internal/synchronization_point}: does nothing; the scheduler completes it (success) as
 * soon as it is pending, unblocking what depends on it.
 */
public final class SynchronizationPointTask extends DbTask<EmptyTaskData> {

  /** The definition. */
  public static final DbTaskDefinition<EmptyTaskData> DEFINITION =
      DbTaskDefinition.internal(
              "synchronization_point", 1, EmptyTaskData.class, SynchronizationPointTask::new)
          .build();

  private SynchronizationPointTask(
      DbTaskDefinition<EmptyTaskData> definition, EmptyTaskData data, DbTaskContext context) {
    super(definition, data, context);
  }
}
