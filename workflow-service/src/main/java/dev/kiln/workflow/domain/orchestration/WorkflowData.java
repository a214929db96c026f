package dev.kiln.workflow.domain.orchestration;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * The {@code workflow_data} an orchestrator gives a child (Debusine's {@code
 * WorkRequestWorkflowData}, the part an orchestrator sets).
 *
 * @param displayName the name shown in the workflow's graph
 * @param step the step; the callback dispatch key of an {@code internal/workflow} callback
 * @param group the UI group (e.g. a codename)
 * @param allowFailure whether a failure (or an abort) of this child neither fails the workflow nor
 *     aborts what depends on it
 * @param needsInput whether it waits for a person (wait tasks)
 * @param visible false hides it from the graph (default true)
 */
public record WorkflowData(
    String displayName,
    String step,
    String group,
    Boolean allowFailure,
    Boolean needsInput,
    Boolean visible) {

  /** Nothing set. */
  public static WorkflowData empty() {
    return new WorkflowData(null, null, null, null, null, null);
  }

  /** {@code allow_failure}, false when unset. */
  @JsonIgnore
  public boolean allowsFailure() {
    return Boolean.TRUE.equals(allowFailure);
  }

  /** With this display name. */
  public WorkflowData withDisplayName(String value) {
    return new WorkflowData(value, step, group, allowFailure, needsInput, visible);
  }

  /** With this step. */
  public WorkflowData withStep(String value) {
    return new WorkflowData(displayName, value, group, allowFailure, needsInput, visible);
  }

  /** With this group. */
  public WorkflowData withGroup(String value) {
    return new WorkflowData(displayName, step, value, allowFailure, needsInput, visible);
  }

  /** With {@code allow_failure}. */
  public WorkflowData withAllowFailure(boolean value) {
    return new WorkflowData(displayName, step, group, value, needsInput, visible);
  }

  /** With {@code needs_input}. */
  public WorkflowData withNeedsInput(boolean value) {
    return new WorkflowData(displayName, step, group, allowFailure, value, visible);
  }

  /** With {@code visible}. */
  public WorkflowData withVisible(boolean value) {
    return new WorkflowData(displayName, step, group, allowFailure, needsInput, value);
  }
}
