package dev.kiln.scheduler.service;

import java.util.Map;

/** One attempt of a work request handed to an agent. */
public record AssignmentView(
    long workRequestId,
    int attempt,
    String taskType,
    String taskName,
    Map<String, Object> taskData,
    Map<String, Object> dynamicTaskData,
    String workspace,
    String artifactToken) {}
