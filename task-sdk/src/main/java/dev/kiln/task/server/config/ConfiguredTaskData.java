package dev.kiln.task.server.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * Task data before and after task configuration. A work request keeps both: {@code task_data} as
 * submitted and {@code configured_task_data}, which workers receive.
 *
 * @param submitted the task data as submitted
 * @param configured the task data with the configuration applied
 * @param appliedItems the names of the items applied, in order (templates before the items using
 *     them)
 */
public record ConfiguredTaskData(
    ObjectNode submitted, ObjectNode configured, List<String> appliedItems) {

  /** Checks the parts; copies the list. */
  public ConfiguredTaskData {
    Objects.requireNonNull(submitted, "submitted");
    Objects.requireNonNull(configured, "configured");
    appliedItems = List.copyOf(appliedItems);
  }
}
