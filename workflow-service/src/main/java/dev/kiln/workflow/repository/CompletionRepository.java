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
  @Inject com.fasterxml.jackson.databind.ObjectMapper mapper;

  /**
   * Claims the event ids in {@code processed_event} (as kiln-outbox's {@code ProcessedEvents} does
   * one at a time) and inserts the completions of those claimed now, in two statements whatever the
   * number; returns the events claimed (those not applied before), in order.
   */
  @SuppressWarnings("unchecked")
  public List<WorkRequestCompleted> claimAndInsert(List<WorkRequestCompleted> events) {
    if (events.isEmpty()) {
      return List.of();
    }
    java.util.Map<java.util.UUID, WorkRequestCompleted> byId = new java.util.LinkedHashMap<>();
    events.forEach(e -> byId.putIfAbsent(e.eventId(), e));
    List<Object> claimed =
        em.createNativeQuery(
                "INSERT INTO processed_event (event_id, event_type)"
                    + " SELECT CAST(unnest(CAST(?1 AS text[])) AS uuid), ?2"
                    + " ON CONFLICT (event_id) DO NOTHING RETURNING event_id")
            .setParameter(1, byId.keySet().stream().map(String::valueOf).toArray(String[]::new))
            .setParameter(2, WorkRequestCompleted.EVENT_TYPE)
            .getResultList();
    java.util.Set<java.util.UUID> fresh = new java.util.HashSet<>();
    claimed.forEach(id -> fresh.add(java.util.UUID.fromString(String.valueOf(id))));
    List<WorkRequestCompleted> out =
        byId.values().stream().filter(e -> fresh.contains(e.eventId())).toList();
    if (out.isEmpty()) {
      return out;
    }
    List<java.util.Map<String, Object>> rows = new java.util.ArrayList<>(out.size());
    for (WorkRequestCompleted e : out) {
      java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
      row.put("event_id", e.eventId().toString());
      row.put("work_request_id", e.workRequestId());
      row.put("root_workflow_id", e.rootWorkflowId());
      row.put("task_type", e.taskType());
      row.put("task_name", e.taskName());
      row.put("result", e.result());
      row.put("attempt", e.attempt());
      row.put("occurred_at", e.occurredAt().toString());
      rows.add(row);
    }
    String json;
    try {
      json = mapper.writeValueAsString(rows);
    } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
      throw new IllegalStateException("completion rows cannot be serialised", ex);
    }
    em.createNativeQuery(
            "INSERT INTO work_request_completion (event_id, work_request_id, root_workflow_id,"
                + " task_type, task_name, result, attempt, occurred_at)"
                + " SELECT CAST(x.event_id AS uuid), x.work_request_id, x.root_workflow_id,"
                + " x.task_type, x.task_name, x.result, x.attempt, x.occurred_at"
                + " FROM jsonb_to_recordset(CAST(?1 AS jsonb)) AS x(event_id text,"
                + " work_request_id bigint, root_workflow_id bigint, task_type text,"
                + " task_name text, result text, attempt int, occurred_at timestamptz)")
        .setParameter(1, json)
        .executeUpdate();
    return out;
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
