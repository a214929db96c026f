package dev.kiln.scheduler.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.kiln.scheduler.service.WorkflowGraphView;
import dev.kiln.task.TaskJson;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The set-based statements of workflow graphs: children by stable key, applied graph mutations, the
 * graph view, workflow completion. Each method runs a fixed number of statements whatever the size
 * of the workflow.
 */
@ApplicationScoped
public class WorkflowGraphRepository {

  @Inject EntityManager em;

  /** A stored child: its id and the SHA-256 of its spec. */
  public record Keyed(long id, String specSha256) {}

  /** The children of a root workflow with these keys. */
  @SuppressWarnings("unchecked")
  public Map<String, Keyed> keyed(long root, Collection<String> keys) {
    if (keys.isEmpty()) {
      return Map.of();
    }
    List<Object[]> rows =
        em.createNativeQuery(
                "SELECT workflow_key, id, spec_sha256 FROM work_request"
                    + " WHERE root_id = ?1 AND workflow_key = ANY(?2)")
            .setParameter(1, root)
            .setParameter(2, keys.toArray(new String[0]))
            .getResultList();
    Map<String, Keyed> out = new HashMap<>();
    for (Object[] r : rows) {
      out.put((String) r[0], new Keyed(((Number) r[1]).longValue(), (String) r[2]));
    }
    return out;
  }

  /**
   * Every dependency edge inside a root workflow, each end named by its key ({@code #<id>} for a
   * work request without one): what a cycle check of new edges between stored children needs.
   */
  @SuppressWarnings("unchecked")
  public Map<String, List<String>> edgesByKey(long root) {
    List<Object[]> rows =
        em.createNativeQuery(
                "SELECT coalesce(a.workflow_key, '#' || a.id), coalesce(b.workflow_key, '#' || b.id)"
                    + " FROM work_request_dependency e"
                    + " JOIN work_request a ON a.id = e.work_request_id"
                    + " JOIN work_request b ON b.id = e.depends_on_id"
                    + " WHERE a.root_id = ?1")
            .setParameter(1, root)
            .getResultList();
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Object[] r : rows) {
      out.computeIfAbsent((String) r[0], k -> new ArrayList<>()).add((String) r[1]);
    }
    return out;
  }

  /**
   * Moves a child's key, spec and reactions to the work request that retries it, so ensure-child
   * and the orchestrator's view find the latest attempt under the key (two statements; the unique
   * key index allows no moment with both holding it).
   */
  @SuppressWarnings("unchecked")
  public void moveWorkflowKey(long fromId, long toId) {
    List<Object[]> prev =
        em.createNativeQuery(
                "UPDATE work_request w SET workflow_key = NULL, spec_sha256 = NULL"
                    + " FROM (SELECT id, workflow_key, spec_sha256, CAST(on_success AS text) AS os"
                    + "   FROM work_request WHERE id = ?1) AS p"
                    + " WHERE w.id = p.id AND p.workflow_key IS NOT NULL"
                    + " RETURNING p.workflow_key, p.spec_sha256, p.os")
            .setParameter(1, fromId)
            .getResultList();
    if (prev.isEmpty()) {
      return;
    }
    em.createNativeQuery(
            "UPDATE work_request SET workflow_key = ?2, spec_sha256 = ?3,"
                + " on_success = CAST(?4 AS jsonb) WHERE id = ?1")
        .setParameter(1, toId)
        .setParameter(2, prev.get(0)[0])
        .setParameter(3, prev.get(0)[1])
        .setParameter(4, prev.get(0)[2])
        .executeUpdate();
  }

  /** A mutation applied before: the SHA-256 of its body and the answer stored. */
  public record Applied(String requestSha256, String answerJson) {}

  @SuppressWarnings("unchecked")
  public Optional<Applied> applied(long root, String idempotencyKey) {
    List<Object[]> rows =
        em.createNativeQuery(
                "SELECT request_sha256, CAST(answer AS text) FROM workflow_graph_mutation"
                    + " WHERE root_id = ?1 AND idempotency_key = ?2")
            .setParameter(1, root)
            .setParameter(2, idempotencyKey)
            .getResultList();
    return rows.stream().findFirst().map(r -> new Applied((String) r[0], (String) r[1]));
  }

  /** Records an applied mutation (the caller holds the root's advisory lock). */
  public void recordApplied(
      long root, String idempotencyKey, String requestSha256, String answerJson, String by) {
    em.createNativeQuery(
            "INSERT INTO workflow_graph_mutation"
                + " (root_id, idempotency_key, request_sha256, answer, applied_by)"
                + " VALUES (?1, ?2, ?3, CAST(?4 AS jsonb), ?5)")
        .setParameter(1, root)
        .setParameter(2, idempotencyKey)
        .setParameter(3, requestSha256)
        .setParameter(4, answerJson)
        .setParameter(5, by)
        .executeUpdate();
  }

  // ---------------------------------------------------------------------------------------------
  // The graph view

  /**
   * A work request of a workflow's graph: the node as the graph view shows it, and its workspace
   * (the view shows the workflow's only, which the service checks the caller's access to).
   */
  public record GraphRow(WorkflowGraphView.GraphNode node, String workspace) {}

  private static final String GRAPH_COLUMNS =
      // the parent key of a child of the workflow shown is null: keys are relative to it
      "w.id, w.workflow_key, CASE WHEN w.parent_id = ?1 THEN NULL ELSE p.workflow_key END,"
          + " w.parent_id, w.task_type, w.task_name,"
          + " CAST(w.task_data AS text), CAST(w.workflow_data AS text),"
          + " CAST(w.on_success AS text), w.status, w.result, w.workspace, s.id,"
          + " w.created_at, w.started_at, w.completed_at";

  /**
   * The workflow itself (first) and every descendant, in id order: one query (the root's
   * descendants by {@code root_id}, a sub-workflow's by walking {@code parent_id}).
   */
  @SuppressWarnings("unchecked")
  public List<GraphRow> graph(long workflowId, boolean root) {
    String sql =
        root
            ? "SELECT "
                + GRAPH_COLUMNS
                + " FROM work_request w LEFT JOIN work_request p ON p.id = w.parent_id"
                + " LEFT JOIN work_request s ON s.supersedes_id = w.id"
                + " WHERE w.id = ?1 OR w.root_id = ?1 ORDER BY w.id"
            : "WITH RECURSIVE sub(id) AS (SELECT CAST(?1 AS bigint)"
                + "   UNION ALL SELECT c.id FROM work_request c JOIN sub ON c.parent_id = sub.id)"
                + " SELECT "
                + GRAPH_COLUMNS
                + " FROM sub JOIN work_request w ON w.id = sub.id"
                + " LEFT JOIN work_request p ON p.id = w.parent_id"
                + " LEFT JOIN work_request s ON s.supersedes_id = w.id ORDER BY w.id";
    List<Object[]> rows = em.createNativeQuery(sql).setParameter(1, workflowId).getResultList();
    List<GraphRow> out = new ArrayList<>(rows.size());
    for (Object[] r : rows) {
      out.add(
          new GraphRow(
              new WorkflowGraphView.GraphNode(
                  ((Number) r[0]).longValue(),
                  (String) r[1],
                  (String) r[2],
                  r[3] == null ? null : ((Number) r[3]).longValue(),
                  (String) r[4],
                  (String) r[5],
                  json((String) r[6], Map.class),
                  json((String) r[7], Map.class),
                  json((String) r[8], List.class),
                  (String) r[9],
                  (String) r[10],
                  r[12] == null ? null : ((Number) r[12]).longValue(),
                  instant(r[13]),
                  instant(r[14]),
                  instant(r[15])),
              (String) r[11]));
    }
    return out;
  }

  /** The dependency edges (dependent, dependency) whose dependent is one of these. */
  @SuppressWarnings("unchecked")
  public List<long[]> edgesOf(long workflowId, boolean root) {
    String sql =
        root
            ? "SELECT e.work_request_id, e.depends_on_id FROM work_request_dependency e"
                + " JOIN work_request w ON w.id = e.work_request_id WHERE w.root_id = ?1"
                + " ORDER BY 1, 2"
            : "WITH RECURSIVE sub(id) AS (SELECT CAST(?1 AS bigint)"
                + "   UNION ALL SELECT c.id FROM work_request c JOIN sub ON c.parent_id = sub.id)"
                + " SELECT e.work_request_id, e.depends_on_id FROM work_request_dependency e"
                + " JOIN sub ON sub.id = e.work_request_id ORDER BY 1, 2";
    List<Object[]> rows = em.createNativeQuery(sql).setParameter(1, workflowId).getResultList();
    return rows.stream()
        .map(r -> new long[] {((Number) r[0]).longValue(), ((Number) r[1]).longValue()})
        .toList();
  }

  // ---------------------------------------------------------------------------------------------
  // Workflow completion

  /**
   * Among the parents of these work requests and these workflows themselves ({@code alsoSelf}), the
   * running workflows without any blocked, pending or running child (an index lookup each).
   */
  @SuppressWarnings("unchecked")
  public List<Long> workflowsWithoutOpenChildren(
      Collection<Long> finished, Collection<Long> alsoSelf) {
    if (finished.isEmpty() && alsoSelf.isEmpty()) {
      return List.of();
    }
    List<Number> rows =
        em.createNativeQuery(
                "SELECT p.id FROM work_request p WHERE p.id IN ("
                    + "   SELECT parent_id FROM work_request WHERE id = ANY(?1)"
                    + "   UNION SELECT unnest(?2))"
                    + " AND p.status = 'running' AND p.task_type = 'workflow'"
                    + " AND NOT EXISTS (SELECT 1 FROM work_request c WHERE c.parent_id = p.id"
                    + "   AND c.status IN ('blocked', 'pending', 'running'))"
                    + " ORDER BY p.id")
            .setParameter(1, finished.toArray(new Long[0]))
            .setParameter(2, alsoSelf.toArray(new Long[0]))
            .getResultList();
    return rows.stream().map(Number::longValue).toList();
  }

  /**
   * The children of these workflows that count for their completion (not superseded by a retry),
   * grouped by what the rule looks at.
   *
   * @param workflowId the workflow
   * @param status the children's status
   * @param result their result
   * @param allowFailure their {@code workflow_data.allow_failure}
   */
  public record ChildGroup(long workflowId, String status, String result, boolean allowFailure) {}

  @SuppressWarnings("unchecked")
  public List<ChildGroup> childGroups(Collection<Long> workflows) {
    if (workflows.isEmpty()) {
      return List.of();
    }
    List<Object[]> rows =
        em.createNativeQuery(
                "SELECT c.parent_id, c.status, c.result,"
                    + " coalesce((c.workflow_data->>'allow_failure')::boolean, false) AS af"
                    + " FROM work_request c WHERE c.parent_id = ANY(?1)"
                    + " AND NOT EXISTS (SELECT 1 FROM work_request s WHERE s.supersedes_id = c.id)"
                    + " GROUP BY c.parent_id, c.status, c.result, af")
            .setParameter(1, workflows.toArray(new Long[0]))
            .getResultList();
    return rows.stream()
        .map(
            r ->
                new ChildGroup(
                    ((Number) r[0]).longValue(), (String) r[1], (String) r[2], (Boolean) r[3]))
        .toList();
  }

  // ---------------------------------------------------------------------------------------------

  private static <T> T json(String text, Class<T> type) {
    if (text == null) {
      return null;
    }
    try {
      return TaskJson.mapper().readValue(text, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON column does not hold JSON", e);
    }
  }

  private static Instant instant(Object o) {
    if (o == null) {
      return null;
    }
    if (o instanceof Instant i) {
      return i;
    }
    if (o instanceof OffsetDateTime t) {
      return t.toInstant();
    }
    if (o instanceof Timestamp t) {
      return t.toInstant();
    }
    throw new IllegalStateException("not a timestamp: " + o.getClass());
  }
}
