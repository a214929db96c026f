package dev.kiln.scheduler.service;

import dev.kiln.scheduler.repository.WorkRequestEntity;
import java.time.Instant;
import java.util.Map;

/** A work request as the API shows it (snake_case on the wire). */
public record WorkRequestView(
    long id,
    String taskType,
    String taskName,
    Map<String, Object> taskData,
    Map<String, Object> dynamicTaskData,
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
    Map<String, Object> outputData) {

  public static WorkRequestView of(WorkRequestEntity e) {
    return new WorkRequestView(
        e.id,
        e.taskType,
        e.taskName,
        e.taskData,
        e.dynamicTaskData,
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
        e.outputData);
  }
}
