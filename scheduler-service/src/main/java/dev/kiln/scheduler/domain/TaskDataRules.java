package dev.kiln.scheduler.domain;

import dev.kiln.common.problem.FieldError;
import dev.kiln.task.TaskJson;
import dev.kiln.task.TaskRegistry;
import dev.kiln.task.TaskType;
import dev.kiln.task.server.TaskCatalogue;
import java.util.List;
import java.util.Map;

/**
 * Which tasks the scheduler accepts through the API, and the shape of their {@code task_data}: the
 * task registry of the task SDK and the tasks' JSON Schemas decide, and each error names its field.
 * Workflows are defined by the workflow service, not by the task SDK: any task name with an object
 * as {@code task_data} is accepted for them here.
 */
public final class TaskDataRules {

  private static final TaskRegistry REGISTRY = TaskCatalogue.registry();

  private TaskDataRules() {}

  /** Errors of a submission, each naming its field; empty when it is valid. */
  public static List<FieldError> validate(
      String taskType, String taskName, Map<String, Object> taskData) {
    if (TaskType.WORKFLOW.wire().equals(taskType)) {
      if (taskName == null || taskName.isBlank()) {
        return List.of(new FieldError("task_name", "is required"));
      }
      return List.of();
    }
    if (taskData == null && taskType != null && taskName != null && !taskName.isBlank()) {
      return List.of(new FieldError("task_data", "is required"));
    }
    return REGISTRY
        .validate(taskType, taskName, taskData == null ? null : TaskJson.toTree(taskData))
        .stream()
        .map(e -> new FieldError(e.field(), e.message()))
        .toList();
  }
}
