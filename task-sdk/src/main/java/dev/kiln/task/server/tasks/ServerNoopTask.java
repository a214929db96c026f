package dev.kiln.task.server.tasks;

import dev.kiln.task.TaskData;
import dev.kiln.task.input.LookupSingle;
import dev.kiln.task.server.DbTask;
import dev.kiln.task.server.DbTaskContext;
import dev.kiln.task.server.DbTaskDefinition;

/** {@code server/servernoop}: returns a result or raises (testing). */
public final class ServerNoopTask extends DbTask<ServerNoopTask.Data> {

  /**
   * Task data.
   *
   * @param result whether the task succeeds (default false)
   * @param exception whether the task raises an exception (default false)
   * @param taskConfiguration the task configuration collection
   */
  public record Data(Boolean result, Boolean exception, LookupSingle taskConfiguration)
      implements TaskData {}

  /** The definition. */
  public static final DbTaskDefinition<Data> DEFINITION =
      DbTaskDefinition.server("servernoop", 1, Data.class, ServerNoopTask::new).build();

  private ServerNoopTask(DbTaskDefinition<Data> definition, Data data, DbTaskContext context) {
    super(definition, data, context);
  }
}
