package dev.kiln.workflow.domain;

import java.time.Instant;
import java.util.UUID;

/**
 * The part of a {@code work-request.completed.v1} event that the workflow service acts on.
 *
 * @param eventId unique id of the event (deduplication key)
 * @param workRequestId the completed work request
 * @param rootWorkflowId the root workflow it belongs to, or null
 * @param taskType its task_type
 * @param taskName its task_name
 * @param result success, failure, error or skipped
 * @param attempt the attempt that completed it
 * @param occurredAt when the scheduler completed it
 */
public record WorkRequestCompleted(
    UUID eventId,
    long workRequestId,
    Long rootWorkflowId,
    String taskType,
    String taskName,
    String result,
    Integer attempt,
    Instant occurredAt) {

  public static final String EVENT_TYPE = "work-request.completed.v1";
}
