package dev.kiln.scheduler.service;

import java.util.Map;

/**
 * A work request as a client submits it.
 *
 * @param taskType the task type; {@code worker} when absent
 * @param taskName the task name within the type
 * @param taskData the task's input
 * @param workspace the workspace; {@code System} when absent
 * @param priorityBase base priority; 0 when absent
 */
public record NewWorkRequest(
    String taskType,
    String taskName,
    Map<String, Object> taskData,
    String workspace,
    Integer priorityBase) {}
