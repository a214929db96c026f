package dev.kiln.workflow.domain.servertask;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Objects;
import java.util.UUID;

/**
 * A {@code work-request.server-task.v1} command: run this server task and report its result.
 *
 * @param eventId the event's id
 * @param workRequestId the server work request
 * @param attempt its attempt (1 when the event carries none): a run is keyed by work request and
 *     attempt, and reports it to the scheduler, which refuses a stale one
 * @param rootWorkflowId its root workflow, or null
 * @param workspace its workspace
 * @param taskName the server task's name
 * @param taskData the task data with the task configuration applied
 * @param dynamicTaskData what the scheduler resolved (input fields), or an empty object
 * @param fenced whether the event carried the attempt (commands of schedulers before it did not:
 *     their reports name none)
 */
public record ServerTaskCommand(
    UUID eventId,
    long workRequestId,
    int attempt,
    Long rootWorkflowId,
    String workspace,
    String taskName,
    JsonNode taskData,
    JsonNode dynamicTaskData,
    boolean fenced) {

  /** The event type. */
  public static final String EVENT_TYPE = "work-request.server-task.v1";

  /** Checks the parts. */
  public ServerTaskCommand {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(workspace, "workspace");
    Objects.requireNonNull(taskName, "taskName");
    taskData =
        taskData == null || taskData.isNull() ? JsonNodeFactory.instance.objectNode() : taskData;
    dynamicTaskData =
        dynamicTaskData == null || dynamicTaskData.isNull()
            ? JsonNodeFactory.instance.objectNode()
            : dynamicTaskData;
  }

  /**
   * Reads the event (already known to be of {@link #EVENT_TYPE}).
   *
   * @throws IllegalArgumentException when a required part is missing or malformed
   */
  public static ServerTaskCommand fromEvent(JsonNode e) {
    for (String key : new String[] {"event_id", "work_request_id", "workspace", "task_name"}) {
      if (!e.hasNonNull(key)) {
        throw new IllegalArgumentException("the event has no " + key);
      }
    }
    return new ServerTaskCommand(
        UUID.fromString(e.get("event_id").asText()),
        e.get("work_request_id").asLong(),
        e.hasNonNull("attempt") ? e.get("attempt").asInt() : 1,
        e.hasNonNull("root_workflow_id") ? e.get("root_workflow_id").asLong() : null,
        e.get("workspace").asText(),
        e.get("task_name").asText(),
        e.get("task_data"),
        e.get("dynamic_task_data"),
        e.hasNonNull("attempt"));
  }

  /** The attempt a report names: the command's, or null when the event carried none. */
  public Integer reportedAttempt() {
    return fenced ? attempt : null;
  }
}
