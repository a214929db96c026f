package dev.kiln.scheduler.service;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A work request as a client submits it (alone, or as a node of a graph).
 *
 * @param taskType the task type; {@code worker} when absent
 * @param taskName the task name within the type
 * @param taskData the task's input
 * @param workspace the workspace; {@code System} when absent, the parent's for a child
 * @param priorityBase base priority; 0 when absent. For a child: relative to its parent's
 * @param workflowData {@code workflow_data} ({@code allow_failure}, {@code step}, {@code
 *     needs_input}, …)
 * @param unblockStrategy {@code deps} (default) or {@code manual}
 * @param parentId a stored workflow this one belongs to
 * @param dependencies ids of stored work requests this one depends on
 * @param expirationDelay how long after creation it may be removed; none when absent
 */
public record NewWorkRequest(
    String taskType,
    String taskName,
    Map<String, Object> taskData,
    String workspace,
    Integer priorityBase,
    Map<String, Object> workflowData,
    String unblockStrategy,
    Long parentId,
    List<Long> dependencies,
    Duration expirationDelay) {

  /** A worker task with only the basic fields. */
  public NewWorkRequest(
      String taskType,
      String taskName,
      Map<String, Object> taskData,
      String workspace,
      Integer priorityBase) {
    this(taskType, taskName, taskData, workspace, priorityBase, null, null, null, null, null);
  }
}
