package dev.kiln.scheduler.service;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A workflow's graph as {@code GET /api/v1/workflows/{id}/graph} shows it: the workflow, every
 * descendant (sub-workflows, their children, callbacks, synchronization points) and the dependency
 * edges among them, named by the children's stable keys. Suitable for drawing and for building the
 * orchestrator's view of the workflow.
 *
 * @param workflow the workflow itself
 * @param nodes its descendants, in id order
 * @param edges {@code work_request} waits for {@code depends_on}
 */
public record WorkflowGraphView(Workflow workflow, List<GraphNode> nodes, List<GraphEdge> edges) {

  /** The workflow the graph belongs to. */
  public record Workflow(
      long id,
      String key,
      String taskName,
      Map<String, Object> taskData,
      Map<String, Object> workflowData,
      String status,
      String result,
      String workspace,
      Instant createdAt,
      Instant startedAt,
      Instant completedAt) {}

  /**
   * One descendant.
   *
   * @param key its stable key; null for a work request not created by a graph mutation (a retry)
   * @param parentKey the key of its sub-workflow; null for a child of the workflow shown
   * @param parentId its parent's id
   * @param onSuccess the event reactions the workflow service runs when it succeeds
   * @param supersededBy the work request that retries it, null when none
   */
  public record GraphNode(
      long id,
      String key,
      String parentKey,
      Long parentId,
      String taskType,
      String taskName,
      Map<String, Object> taskData,
      Map<String, Object> workflowData,
      List<Object> onSuccess,
      String status,
      String result,
      Long supersededBy,
      Instant createdAt,
      Instant startedAt,
      Instant completedAt) {}

  /**
   * A dependency, by key (null for a work request without one) and by id.
   *
   * @param workRequest the dependent's key
   * @param dependsOn the dependency's key
   */
  public record GraphEdge(
      String workRequest, String dependsOn, long workRequestId, long dependsOnId) {}
}
