package dev.kiln.task.server.wait;

import dev.kiln.task.TaskData;
import dev.kiln.task.server.DbTask;
import dev.kiln.task.server.DbTaskContext;
import dev.kiln.task.server.DbTaskDefinition;

/**
 * {@code wait/confirm}: waits for an authorised person to approve (success) or reject (failure) the
 * next step of a workflow, e.g. an upload (needs input). Debusine documents it for {@code
 * debian_pipeline} ({@code enable_confirmation}) without implementing it.
 */
public final class ConfirmTask extends DbTask<ConfirmTask.Data> {

  /**
   * Task data.
   *
   * @param message what is to be approved, shown to the approver
   */
  public record Data(String message) implements TaskData {}

  /** The definition. */
  public static final DbTaskDefinition<Data> DEFINITION =
      DbTaskDefinition.waitTask("confirm", 1, Data.class, ConfirmTask::new).build();

  private ConfirmTask(DbTaskDefinition<Data> definition, Data data, DbTaskContext context) {
    super(definition, data, context);
  }
}
