package dev.kiln.workflow.servertask;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.workflow.domain.servertask.ServerTaskCommand;
import dev.kiln.workflow.domain.servertask.ServerTaskOutcome;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * The {@code server_task_run} rows: each method is its own transaction, so that a claim, a result
 * and a report are each durable before the runner goes on.
 */
@ApplicationScoped
public class ServerTaskRunRepository {

  /** A stored run. */
  public record Run(
      long workRequestId,
      int attempt,
      String taskName,
      String state,
      String runner,
      ServerTaskOutcome outcome) {}

  @Inject EntityManager em;
  @Inject ObjectMapper mapper;

  /** Claims the run; false when a run of this work request and attempt exists already. */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public boolean claim(ServerTaskCommand c, String runner) {
    return em.createNativeQuery(
                "INSERT INTO server_task_run (work_request_id, attempt, task_name, workspace,"
                    + " event_id, state, runner) VALUES (?1, ?2, ?3, ?4, ?5, 'running', ?6)"
                    + " ON CONFLICT (work_request_id, attempt) DO NOTHING")
            .setParameter(1, c.workRequestId())
            .setParameter(2, c.attempt())
            .setParameter(3, c.taskName())
            .setParameter(4, c.workspace())
            .setParameter(5, c.eventId())
            .setParameter(6, runner)
            .executeUpdate()
        == 1;
  }

  /** Records the outcome of a claimed run (state {@code done}). */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public void recordOutcome(long workRequestId, int attempt, ServerTaskOutcome o) {
    em.createNativeQuery(
            "UPDATE server_task_run SET state = 'done', result = ?3,"
                + " output_data = CAST(?4 AS jsonb), finished_at = now()"
                + " WHERE work_request_id = ?1 AND attempt = ?2 AND state = 'running'")
        .setParameter(1, workRequestId)
        .setParameter(2, attempt)
        .setParameter(3, o.result())
        .setParameter(4, o.outputData().toString())
        .executeUpdate();
  }

  /** The scheduler has the result (or needs it no more). */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public void markReported(long workRequestId, int attempt) {
    em.createNativeQuery(
            "UPDATE server_task_run SET state = 'reported', reported_at = now()"
                + " WHERE work_request_id = ?1 AND attempt = ?2 AND state = 'done'")
        .setParameter(1, workRequestId)
        .setParameter(2, attempt)
        .executeUpdate();
  }

  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public Optional<Run> find(long workRequestId, int attempt) {
    return runs("WHERE work_request_id = ?1 AND attempt = ?2", workRequestId, attempt).stream()
        .findFirst();
  }

  /** Every run of a work request, by attempt. */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public List<Run> ofWorkRequest(long workRequestId) {
    return runs("WHERE work_request_id = ?1 ORDER BY attempt", workRequestId, null);
  }

  private List<Run> runs(String where, long workRequestId, Integer attempt) {
    var q =
        em.createNativeQuery(
                "SELECT work_request_id, attempt, task_name, state, runner, result,"
                    + " output_data::text FROM server_task_run "
                    + where)
            .setParameter(1, workRequestId);
    if (attempt != null) {
      q.setParameter(2, attempt);
    }
    @SuppressWarnings("unchecked")
    List<Object[]> rows = q.getResultList();
    return rows.stream()
        .map(
            r ->
                new Run(
                    ((Number) r[0]).longValue(),
                    ((Number) r[1]).intValue(),
                    (String) r[2],
                    (String) r[3],
                    (String) r[4],
                    r[5] == null
                        ? null
                        : new ServerTaskOutcome((String) r[5], object((String) r[6]))))
        .toList();
  }

  private ObjectNode object(String json) {
    if (json == null) {
      return null;
    }
    try {
      return (ObjectNode) mapper.readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
