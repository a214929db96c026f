package dev.kiln.workflow.repository;

import dev.kiln.workflow.domain.WorkRequestCompleted;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.sql.Timestamp;
import java.util.List;

/**
 * Recorded completions, in the workflow schema (processed events: kiln-outbox's ProcessedEvents).
 */
@ApplicationScoped
public class CompletionRepository {

  @Inject EntityManager em;

  public void insert(WorkRequestCompleted e) {
    em.createNativeQuery(
            "INSERT INTO work_request_completion (event_id, work_request_id, root_workflow_id,"
                + " task_type, task_name, result, attempt, occurred_at)"
                + " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
        .setParameter(1, e.eventId())
        .setParameter(2, e.workRequestId())
        .setParameter(3, e.rootWorkflowId())
        .setParameter(4, e.taskType())
        .setParameter(5, e.taskName())
        .setParameter(6, e.result())
        .setParameter(7, e.attempt())
        .setParameter(8, Timestamp.from(e.occurredAt()))
        .executeUpdate();
  }

  @SuppressWarnings("unchecked")
  public List<WorkRequestCompleted> findByWorkRequest(long workRequestId) {
    List<Object[]> rows =
        em.createNativeQuery(
                "SELECT event_id, work_request_id, root_workflow_id, task_type, task_name, result,"
                    + " attempt, occurred_at FROM work_request_completion"
                    + " WHERE work_request_id = ?1 ORDER BY id")
            .setParameter(1, workRequestId)
            .getResultList();
    return rows.stream()
        .map(
            r ->
                new WorkRequestCompleted(
                    (java.util.UUID) r[0],
                    ((Number) r[1]).longValue(),
                    r[2] == null ? null : ((Number) r[2]).longValue(),
                    (String) r[3],
                    (String) r[4],
                    (String) r[5],
                    r[6] == null ? null : ((Number) r[6]).intValue(),
                    toInstant(r[7])))
        .toList();
  }

  private static java.time.Instant toInstant(Object value) {
    if (value instanceof java.time.Instant i) {
      return i;
    }
    if (value instanceof java.time.OffsetDateTime o) {
      return o.toInstant();
    }
    return ((Timestamp) value).toInstant();
  }
}
