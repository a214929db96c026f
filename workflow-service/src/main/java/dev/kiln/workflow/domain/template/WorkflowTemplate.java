package dev.kiln.workflow.domain.template;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * A workflow template, stored per workspace: the workflow it starts, the parameters users cannot
 * change, the defaults they may override, and the priority of the workflows it starts.
 *
 * @param workspace the workspace it belongs to (names are unique per workspace)
 * @param name its name
 * @param taskName the workflow ({@code task_type} {@code workflow}) it starts
 * @param taskData the fixed parameters (Debusine's template {@code task_data}): a user who sets one
 *     to another value is refused
 * @param defaultTaskData parameters users may override: used where the user's data leaves a key out
 * @param priority the base priority of the workflows it starts (above 0 needs the permission to
 *     manage priorities)
 */
public record WorkflowTemplate(
    String workspace,
    String name,
    String taskName,
    ObjectNode taskData,
    ObjectNode defaultTaskData,
    int priority) {

  /** Checks the parts. */
  public WorkflowTemplate {
    Objects.requireNonNull(workspace, "workspace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(taskName, "taskName");
    Objects.requireNonNull(taskData, "taskData");
    Objects.requireNonNull(defaultTaskData, "defaultTaskData");
  }
}
