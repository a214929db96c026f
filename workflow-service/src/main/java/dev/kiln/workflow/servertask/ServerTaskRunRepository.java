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
      ServerTaskOutcome outcome,
      int takeovers) {}

  @Inject EntityManager em;
  @Inject ObjectMapper mapper;

  /**
   * Claims the run for this runner, with a lease of {@code leaseSeconds} and the command it was
   * claimed for; false when a run of this work request and attempt exists already.
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public boolean claim(ServerTaskCommand c, String commandJson, String runner, long leaseSeconds) {
    return em.createNativeQuery(
                "INSERT INTO server_task_run (work_request_id, attempt, task_name, workspace,"
                    + " event_id, state, runner, command, lease_expires_at)"
                    + " VALUES (?1, ?2, ?3, ?4, ?5, 'running', ?6, CAST(?7 AS jsonb),"
                    + " now() + make_interval(secs => ?8))"
                    + " ON CONFLICT (work_request_id, attempt) DO NOTHING")
            .setParameter(1, c.workRequestId())
            .setParameter(2, c.attempt())
            .setParameter(3, c.taskName())
            .setParameter(4, c.workspace())
            .setParameter(5, c.eventId())
            .setParameter(6, runner)
            .setParameter(7, commandJson)
            .setParameter(8, (double) leaseSeconds)
            .executeUpdate()
        == 1;
  }

  /**
   * Records the outcome of a run this runner holds (state {@code done}).
   *
   * @return false when the run is no longer this runner's (its lease expired and another runner
   *     took it over): the outcome is dropped, and the caller must not report it
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public boolean recordOutcome(
      long workRequestId, int attempt, String runner, ServerTaskOutcome o) {
    return em.createNativeQuery(
                "UPDATE server_task_run SET state = 'done', result = ?3,"
                    + " output_data = CAST(?4 AS jsonb), finished_at = now(),"
                    + " lease_expires_at = NULL"
                    + " WHERE work_request_id = ?1 AND attempt = ?2 AND state = 'running'"
                    + " AND runner = ?5")
            .setParameter(1, workRequestId)
            .setParameter(2, attempt)
            .setParameter(3, o.result())
            .setParameter(4, o.outputData().toString())
            .setParameter(5, runner)
            .executeUpdate()
        == 1;
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

  /** Renews the leases of every run this runner holds, in one statement; returns how many. */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public int renewLeases(String runner, long leaseSeconds) {
    return em.createNativeQuery(
            "UPDATE server_task_run SET lease_expires_at = now() + make_interval(secs => ?2)"
                + " WHERE runner = ?1 AND state = 'running'")
        .setParameter(1, runner)
        .setParameter(2, (double) leaseSeconds)
        .executeUpdate();
  }

  /**
   * A run taken over from a runner that died during it.
   *
   * @param deadRunner the runner that held it
   * @param command the command it was claimed for, or null (a run claimed before they were kept)
   */
  public record TakenOver(
      long workRequestId, int attempt, String taskName, String deadRunner, String command) {}

  /**
   * Takes over, for this runner and with a new lease, up to {@code limit} running runs whose lease
   * expired: one statement, and runners of several replicas never take the same run ({@code SKIP
   * LOCKED}).
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public List<TakenOver> takeOverExpired(String runner, long leaseSeconds, int limit) {
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "UPDATE server_task_run r SET runner = ?1,"
                    + " lease_expires_at = now() + make_interval(secs => ?2),"
                    + " takeovers = r.takeovers + 1"
                    + " FROM (SELECT work_request_id, attempt, runner FROM server_task_run"
                    + "   WHERE state = 'running' AND lease_expires_at < now()"
                    + "   ORDER BY lease_expires_at LIMIT ?3 FOR UPDATE SKIP LOCKED) dead"
                    + " WHERE r.work_request_id = dead.work_request_id"
                    + " AND r.attempt = dead.attempt"
                    + " RETURNING r.work_request_id, r.attempt, r.task_name, dead.runner,"
                    + " CAST(r.command AS text)")
            .setParameter(1, runner)
            .setParameter(2, (double) leaseSeconds)
            .setParameter(3, limit)
            .getResultList();
    return rows.stream()
        .map(
            r ->
                new TakenOver(
                    ((Number) r[0]).longValue(),
                    ((Number) r[1]).intValue(),
                    (String) r[2],
                    (String) r[3],
                    (String) r[4]))
        .toList();
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
                    + " output_data::text, takeovers FROM server_task_run "
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
                        : new ServerTaskOutcome((String) r[5], object((String) r[6])),
                    ((Number) r[7]).intValue()))
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
