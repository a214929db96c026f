package dev.kiln.agent.task;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;

/**
 * What a task gets to run one attempt.
 *
 * @param workRequestId the work request
 * @param attempt the attempt number (the fencing number of every report)
 * @param workspace the workspace the work request belongs to
 * @param taskData the (configured) task data, a JSON object
 * @param dynamicTaskData the dynamic task data the scheduler resolved, a JSON object
 * @param workDir the attempt's private directory, removed after the attempt
 * @param logFile where the task writes its log: {@code <task_name>.log} in {@code workDir}
 */
public record TaskContext(
    long workRequestId,
    int attempt,
    String workspace,
    JsonNode taskData,
    JsonNode dynamicTaskData,
    Path workDir,
    Path logFile) {}
