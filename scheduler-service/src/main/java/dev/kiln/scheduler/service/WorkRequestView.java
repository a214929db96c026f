package dev.kiln.scheduler.service;

import dev.kiln.scheduler.repository.WorkRequestEntity;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A work request as the API shows it (snake_case on the wire). {@code configured_task_data}, {@code
 * dynamic_task_data} and {@code tags} are null until the request is prepared; {@code time_limit}
 * (ISO-8601) is null without one.
 */
public record WorkRequestView(
    long id,
    String taskType,
    String taskName,
    Map<String, Object> taskData,
    Map<String, Object> configuredTaskData,
    Map<String, Object> dynamicTaskData,
    Tags tags,
    Map<String, Object> workflowData,
    String status,
    String result,
    String workspace,
    String createdBy,
    Instant createdAt,
    Instant startedAt,
    Instant completedAt,
    int priorityBase,
    int priorityAdjustment,
    Long parentId,
    Long workerId,
    int attempt,
    int retryCount,
    Map<String, Object> outputData,
    String timeLimit) {

  /**
   * The tags computed at preparation, each {@code {"value", "provenance"}}.
   *
   * @param required task-required tags: the worker must provide each
   * @param provided task-provided tags: the worker's required tags must be among them
   */
  public record Tags(List<Map<String, Object>> required, List<Map<String, Object>> provided) {}

  public static WorkRequestView of(WorkRequestEntity e) {
    return new WorkRequestView(
        e.id,
        e.taskType,
        e.taskName,
        e.taskData,
        e.configuredTaskData,
        e.dynamicTaskData,
        e.tagClass == null ? null : new Tags(e.tagClass.required, e.tagClass.provided),
        e.workflowData,
        e.status,
        e.result,
        e.workspace,
        e.createdBy,
        e.createdAt,
        e.startedAt,
        e.completedAt,
        e.priorityBase,
        e.priorityAdjustment,
        e.parentId,
        e.workerId,
        e.attempt,
        e.retryCount,
        e.outputData,
        e.timeLimitSeconds == null
            ? null
            : java.time.Duration.ofSeconds(e.timeLimitSeconds).toString());
  }
}
