package dev.kiln.scheduler.service;

import dev.kiln.common.auth.Caller;
import dev.kiln.common.problem.ApiException;
import dev.kiln.scheduler.domain.WorkRequestAccess;
import dev.kiln.scheduler.repository.WorkflowGraphRepository;
import dev.kiln.scheduler.repository.WorkflowGraphRepository.GraphRow;
import dev.kiln.task.TaskType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The workflow view (issue #6 item 7): two set-based queries whatever the size of the graph. */
@ApplicationScoped
public class WorkflowGraphService {

  @Inject WorkflowGraphRepository graphs;

  @Transactional
  public WorkflowGraphView graph(long id, Caller caller) {
    if (caller.kind() == Caller.Kind.WORK_REQUEST || caller.kind() == Caller.Kind.WORKER) {
      throw ApiException.forbidden("the workflow view is for users and the workflow service");
    }
    // The root's descendants are found by root_id; a sub-workflow's by walking parent_id.
    List<GraphRow> rows = graphs.graph(id, true);
    if (rows.isEmpty() || rows.get(0).node().id() != id || rows.get(0).node().parentId() != null) {
      rows = graphs.graph(id, false);
    }
    if (rows.isEmpty()) {
      throw ApiException.notFound("workflow " + id);
    }
    WorkflowGraphView.GraphNode w = rows.get(0).node();
    if (!TaskType.WORKFLOW.wire().equals(w.taskType())) {
      throw ApiException.notFound("workflow " + id + " (work request " + id + " is no workflow)");
    }
    String workspace = rows.get(0).workspace();
    WorkRequestAccess.checkRead(caller, id, workspace);
    boolean root = w.parentId() == null;
    List<WorkflowGraphView.GraphNode> nodes = new ArrayList<>(rows.size() - 1);
    Map<Long, String> keys = new HashMap<>();
    for (GraphRow row : rows.subList(1, rows.size())) {
      keys.put(row.node().id(), row.node().key());
      nodes.add(row.node());
    }
    List<WorkflowGraphView.GraphEdge> edges = new ArrayList<>();
    for (long[] e : graphs.edgesOf(id, root)) {
      edges.add(new WorkflowGraphView.GraphEdge(keys.get(e[0]), keys.get(e[1]), e[0], e[1]));
    }
    return new WorkflowGraphView(
        new WorkflowGraphView.Workflow(
            w.id(),
            w.key(),
            w.taskName(),
            w.taskData(),
            w.workflowData(),
            w.status(),
            w.result(),
            workspace,
            w.createdAt(),
            w.startedAt(),
            w.completedAt()),
        nodes,
        edges);
  }
}
