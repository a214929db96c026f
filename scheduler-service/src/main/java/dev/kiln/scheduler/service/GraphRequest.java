package dev.kiln.scheduler.service;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A graph of work requests created in one transaction: nodes named by client keys, their parents
 * and dependencies by key (or by the id of a stored work request).
 *
 * @param nodes the work requests
 * @param edges the dependencies among them
 */
public record GraphRequest(List<Node> nodes, List<Edge> edges) {

  /**
   * One work request of the graph; the fields of {@link NewWorkRequest} plus {@code key} and {@code
   * parent} (the key of a node of this graph).
   */
  public record Node(
      String key,
      String taskType,
      String taskName,
      Map<String, Object> taskData,
      String workspace,
      Integer priorityBase,
      Map<String, Object> workflowData,
      String unblockStrategy,
      String parent,
      Long parentId,
      List<Long> dependencies,
      Duration expirationDelay) {

    static Node of(String key, NewWorkRequest r) {
      return new Node(
          key,
          r.taskType(),
          r.taskName(),
          r.taskData(),
          r.workspace(),
          r.priorityBase(),
          r.workflowData(),
          r.unblockStrategy(),
          null,
          r.parentId(),
          r.dependencies(),
          r.expirationDelay());
    }
  }

  /**
   * {@code workRequest} depends on {@code dependsOn}, both keys of nodes of this graph.
   *
   * @param workRequest the dependent
   * @param dependsOn its dependency
   */
  public record Edge(String workRequest, String dependsOn) {}
}
