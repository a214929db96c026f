package dev.kiln.scheduler.repository;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The live logs of work requests: a summary row each and their lines, set-based. */
@ApplicationScoped
public class WorkRequestLogRepository {

  @Inject EntityManager em;

  /**
   * A work request's log summary.
   *
   * @param nextSeq the seq the next stored line gets (lines are 1 to nextSeq - 1)
   * @param byteCount UTF-8 bytes stored
   * @param droppedLines lines not stored (over the bounds, or lost in transit)
   * @param attempt the attempt the stored lines have reached
   * @param nextLine the agent's number of the next line of that attempt
   */
  public record Summary(
      long nextSeq, long byteCount, long droppedLines, int attempt, long nextLine) {}

  /** A stored line. */
  public record Line(long seq, int attempt, String line, Instant loggedAt) {}

  /**
   * Creates or locks the log of a work request, only if this worker runs this attempt of it now (or
   * completed it less than {@code lateSeconds} ago: its last lines may come after its report).
   *
   * @return the summary, locked until the transaction ends, or empty when the attempt is not the
   *     worker's (stale, aborted, another worker's)
   */
  @SuppressWarnings("unchecked")
  public Optional<Summary> lockForAttempt(
      long workRequestId, long workerId, int attempt, long lateSeconds) {
    List<Object[]> rows =
        em.createNativeQuery(
                "INSERT INTO work_request_log (work_request_id, attempt)"
                    + " SELECT id, attempt FROM work_request"
                    + " WHERE id = ?1 AND worker_id = ?2 AND attempt = ?3 AND (status = 'running'"
                    + "  OR (status = 'completed' AND completed_at > now() - make_interval(secs => ?4)))"
                    + " ON CONFLICT (work_request_id) DO UPDATE SET updated_at = now()"
                    + " RETURNING next_seq, byte_count, dropped_lines, attempt, next_line")
            .setParameter(1, workRequestId)
            .setParameter(2, workerId)
            .setParameter(3, attempt)
            .setParameter(4, (double) lateSeconds)
            .getResultList();
    return firstSummary(rows);
  }

  /** Stores lines with seq {@code firstSeq}, {@code firstSeq + 1}, ... in one statement. */
  public void insertLines(long workRequestId, long firstSeq, int attempt, String[] lines) {
    if (lines.length == 0) {
      return;
    }
    em.createNativeQuery(
            "INSERT INTO work_request_log_line (work_request_id, seq, attempt, line)"
                + " SELECT ?1, ?2 + t.n - 1, ?3, t.line FROM unnest(?4) WITH ORDINALITY AS t(line, n)")
        .setParameter(1, workRequestId)
        .setParameter(2, firstSeq)
        .setParameter(3, attempt)
        .setParameter(4, lines)
        .executeUpdate();
  }

  /** Records what a batch changed. */
  public void update(long workRequestId, Summary summary) {
    em.createNativeQuery(
            "UPDATE work_request_log SET next_seq = ?2, byte_count = ?3, dropped_lines = ?4,"
                + " attempt = ?5, next_line = ?6, updated_at = now() WHERE work_request_id = ?1")
        .setParameter(1, workRequestId)
        .setParameter(2, summary.nextSeq())
        .setParameter(3, summary.byteCount())
        .setParameter(4, summary.droppedLines())
        .setParameter(5, summary.attempt())
        .setParameter(6, summary.nextLine())
        .executeUpdate();
  }

  /** The summary, if the work request has a log. */
  @SuppressWarnings("unchecked")
  public Optional<Summary> summary(long workRequestId) {
    List<Object[]> rows =
        em.createNativeQuery(
                "SELECT next_seq, byte_count, dropped_lines, attempt, next_line"
                    + " FROM work_request_log WHERE work_request_id = ?1")
            .setParameter(1, workRequestId)
            .getResultList();
    return firstSummary(rows);
  }

  /**
   * The summary in the first row of {@code next_seq, byte_count, dropped_lines, attempt,
   * next_line}.
   */
  private static Optional<Summary> firstSummary(List<Object[]> rows) {
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    Object[] r = rows.get(0);
    return Optional.of(
        new Summary(
            ((Number) r[0]).longValue(),
            ((Number) r[1]).longValue(),
            ((Number) r[2]).longValue(),
            ((Number) r[3]).intValue(),
            ((Number) r[4]).longValue()));
  }

  /** Up to {@code limit} lines after {@code afterSeq}, in order. */
  @SuppressWarnings("unchecked")
  public List<Line> linesAfter(long workRequestId, long afterSeq, int limit) {
    List<Object[]> rows =
        em.createNativeQuery(
                "SELECT seq, attempt, line, logged_at FROM work_request_log_line"
                    + " WHERE work_request_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3")
            .setParameter(1, workRequestId)
            .setParameter(2, afterSeq)
            .setParameter(3, limit)
            .getResultList();
    List<Line> out = new ArrayList<>(rows.size());
    for (Object[] r : rows) {
      out.add(
          new Line(
              ((Number) r[0]).longValue(),
              ((Number) r[1]).intValue(),
              (String) r[2],
              instant(r[3])));
    }
    return out;
  }

  private static Instant instant(Object value) {
    if (value instanceof Instant i) {
      return i;
    }
    if (value instanceof OffsetDateTime o) {
      return o.toInstant();
    }
    if (value instanceof java.sql.Timestamp t) {
      return t.toInstant();
    }
    return null;
  }
}
