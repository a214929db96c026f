package dev.kiln.task.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.task.DynamicTaskData;
import dev.kiln.task.server.config.ConfiguredTaskData;
import java.util.Objects;

/**
 * A work request ready to be scheduled: what {@link TaskPreparation#prepare} computed.
 *
 * @param task the task, bound to the configured task data
 * @param taskData the submitted and the configured task data (store both)
 * @param dynamicData the dynamic task data (store {@link #dynamicTaskDataJson()})
 * @param tags the required and provided tags
 */
public record PreparedTask(
    DbTask<?> task, ConfiguredTaskData taskData, DynamicTaskData dynamicData, TaskTags tags) {

  /** Checks the parts are present. */
  public PreparedTask {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(taskData, "taskData");
    Objects.requireNonNull(dynamicData, "dynamicData");
    Objects.requireNonNull(tags, "tags");
  }

  /** The configured task data, as workers receive it. */
  public ObjectNode configuredTaskData() {
    return taskData.configured();
  }

  /** The dynamic task data as stored and sent to workers. */
  public ObjectNode dynamicTaskDataJson() {
    return dynamicData.toJson();
  }
}
