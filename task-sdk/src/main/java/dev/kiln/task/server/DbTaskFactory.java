package dev.kiln.task.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.task.FieldError;
import dev.kiln.task.TaskData;
import dev.kiln.task.TaskDataException;
import dev.kiln.task.TaskDefinition;
import dev.kiln.task.TaskRegistry;
import dev.kiln.task.TaskType;
import dev.kiln.task.external.ExternalTaskDefinition;
import java.util.List;
import java.util.Objects;

/**
 * Instantiates any registered task as a {@link DbTask}: a DB task directly, a worker or signing
 * task through its {@link ExternalTaskAdapter}.
 */
public final class DbTaskFactory {

  private final TaskRegistry registry;

  /** A factory for the tasks of this registry. */
  public DbTaskFactory(TaskRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /** The registry. */
  public TaskRegistry registry() {
    return registry;
  }

  /**
   * The task for a work request.
   *
   * @param type the task type
   * @param name the task name
   * @param taskData the task data (submitted or configured)
   * @param context what the task may use on the server
   * @throws TaskDataException for an unknown task or task data that fails the schema
   */
  public DbTask<?> create(TaskType type, String name, JsonNode taskData, DbTaskContext context)
      throws TaskDataException {
    TaskDefinition<?> definition =
        registry
            .find(type, name)
            .orElseThrow(
                () ->
                    new TaskDataException(
                        List.of(
                            new FieldError(
                                "task_name", "unknown " + type + " task '" + name + "'"))));
    return bind(definition, taskData, context);
  }

  /** The task for a definition and a task data record. */
  public static <D extends TaskData> DbTask<D> create(
      TaskDefinition<D> definition, D data, DbTaskContext context) {
    if (definition instanceof ExternalTaskDefinition<D> external) {
      return new ExternalTaskAdapter<>(external, data, context);
    }
    if (definition instanceof DbTaskDefinition<D> db) {
      return db.create(data, context);
    }
    throw new IllegalArgumentException("unknown kind of task definition: " + definition);
  }

  private static <D extends TaskData> DbTask<D> bind(
      TaskDefinition<D> definition, JsonNode taskData, DbTaskContext context)
      throws TaskDataException {
    return create(definition, definition.parseData(taskData), context);
  }
}
