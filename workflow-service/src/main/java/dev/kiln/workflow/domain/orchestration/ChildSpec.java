package dev.kiln.workflow.domain.orchestration;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.task.TaskType;
import java.util.List;
import java.util.Objects;

/**
 * A child work request an orchestrator wants to exist, identified by a stable key: ensuring the
 * same key twice creates it once.
 *
 * @param key the stable key, unique in the root workflow ({@code build-amd64}, {@code
 *     sbuild/build-amd64} for a child of the sub-workflow {@code sbuild})
 * @param parent the key of the sub-workflow it belongs to; null for a child of the root
 * @param taskType the wire task type ({@code worker}, {@code internal}, ...)
 * @param taskName the task name
 * @param taskData the task data (valid for the task's schema)
 * @param workflowData display name, step, group, allow_failure, ...
 * @param onSuccess event reactions run when it succeeds
 */
public record ChildSpec(
    String key,
    String parent,
    String taskType,
    String taskName,
    ObjectNode taskData,
    WorkflowData workflowData,
    List<EventReaction> onSuccess) {

  /** Checks the parts. */
  public ChildSpec {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(taskType, "taskType");
    Objects.requireNonNull(taskName, "taskName");
    Objects.requireNonNull(taskData, "taskData");
    workflowData = workflowData == null ? WorkflowData.empty() : workflowData;
    onSuccess = onSuccess == null ? List.of() : List.copyOf(onSuccess);
  }

  /** The task type. */
  @JsonIgnore
  public TaskType type() {
    return TaskType.fromWire(taskType)
        .orElseThrow(() -> new IllegalStateException("unknown task type " + taskType));
  }

  /** Whether it is a (sub-)workflow, a container of other children. */
  @JsonIgnore
  public boolean isWorkflow() {
    return TaskType.WORKFLOW.wire().equals(taskType);
  }

  /** Whether it is an {@code internal/workflow} callback. */
  @JsonIgnore
  public boolean isCallback() {
    return TaskType.INTERNAL.wire().equals(taskType) && "workflow".equals(taskName);
  }

  /** Whether it is an {@code internal/synchronization_point}. */
  @JsonIgnore
  public boolean isSynchronizationPoint() {
    return TaskType.INTERNAL.wire().equals(taskType) && "synchronization_point".equals(taskName);
  }
}
