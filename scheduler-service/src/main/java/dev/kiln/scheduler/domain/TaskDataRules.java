package dev.kiln.scheduler.domain;

import dev.kiln.common.problem.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which tasks the scheduler accepts through the API, and the shape of their {@code task_data}. The
 * walking skeleton knows {@code worker/noop}; the task model (task-sdk) replaces this table with
 * the task registry and JSON Schemas.
 */
public final class TaskDataRules {

  private TaskDataRules() {}

  /** Errors of a submission, each naming its field; empty when it is valid. */
  public static List<FieldError> validate(
      String taskType, String taskName, Map<String, Object> taskData) {
    List<FieldError> errors = new ArrayList<>();
    if (taskType == null || taskType.isBlank()) {
      errors.add(new FieldError("task_type", "is required"));
      return errors;
    }
    if (TaskType.fromWire(taskType).isEmpty()) {
      errors.add(
          new FieldError(
              "task_type", "must be one of worker, server, internal, workflow, signing, wait"));
      return errors;
    }
    if (!TaskType.WORKER.wire().equals(taskType)) {
      errors.add(
          new FieldError("task_type", "only worker tasks can be created through this API yet"));
      return errors;
    }
    if (taskName == null || taskName.isBlank()) {
      errors.add(new FieldError("task_name", "is required"));
      return errors;
    }
    if (taskData == null) {
      errors.add(new FieldError("task_data", "is required"));
      return errors;
    }
    switch (taskName) {
      case "noop" -> validateNoop(taskData, errors);
      default -> errors.add(new FieldError("task_name", "unknown worker task '" + taskName + "'"));
    }
    return errors;
  }

  private static void validateNoop(Map<String, Object> data, List<FieldError> errors) {
    Object result = data.get("result");
    if (!data.containsKey("result")) {
      errors.add(new FieldError("task_data.result", "is required"));
    } else if (!(result instanceof Boolean)) {
      errors.add(new FieldError("task_data.result", "must be a boolean"));
    }
    for (String key : data.keySet()) {
      if (!Set.of("result").contains(key)) {
        errors.add(new FieldError("task_data." + key, "unknown field"));
      }
    }
  }
}
