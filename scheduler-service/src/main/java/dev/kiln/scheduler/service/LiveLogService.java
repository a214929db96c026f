package dev.kiln.scheduler.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.kiln.common.auth.Caller;
import dev.kiln.common.problem.ApiException;
import dev.kiln.scheduler.config.LiveLogConfig;
import dev.kiln.scheduler.domain.LiveLogRules;
import dev.kiln.scheduler.repository.WorkRequestLogRepository;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Live logs: stores the batches of lines agents stream while their work requests run (three
 * statements a batch: lock the summary, one multi-row insert, update the summary), serves them
 * after a cursor, and wakes the followers waiting on this replica.
 */
@ApplicationScoped
public class LiveLogService {

  @Inject WorkRequestLogRepository repository;
  @Inject WorkRequestService workRequests;
  @Inject LiveLogConfig config;
  @Inject MeterRegistry registry;

  private final Map<Long, Waiters> waiting = new ConcurrentHashMap<>();

  /** The followers of one work request waiting on this replica, counted. */
  private static final class Waiters {
    int count; // guarded by this
    long version; // guarded by this
  }

  /**
   * Stores a batch from the worker running this attempt.
   *
   * @return how many lines were stored; 0 when the attempt is not the worker's (any more)
   */
  @Transactional
  public int append(
      long workerId, long workRequestId, int attempt, long firstLine, List<String> lines) {
    if (lines.size() > config.maxBatchLines()) {
      throw ApiException.invalidField(
          "lines", "at most " + config.maxBatchLines() + " lines in one batch");
    }
    if (firstLine < 0) {
      throw ApiException.invalidField("first_line", "must not be negative");
    }
    Optional<WorkRequestLogRepository.Summary> locked =
        repository.lockForAttempt(workRequestId, workerId, attempt, LATE_LINES.toSeconds());
    if (locked.isEmpty()) {
      registry.counter("kiln_live_log_batches_total", "outcome", "stale").increment();
      return 0;
    }
    WorkRequestLogRepository.Summary s = locked.get();
    LiveLogRules.Plan plan =
        LiveLogRules.accept(
            new LiveLogRules.State(
                s.nextSeq(), s.byteCount(), s.droppedLines(), s.attempt(), s.nextLine()),
            new LiveLogRules.Bounds(
                config.maxLinesPerWorkRequest(),
                config.maxBytesPerWorkRequest(),
                config.maxLineLength()),
            attempt,
            firstLine,
            lines);
    repository.insertLines(
        workRequestId, plan.firstSeq(), attempt, plan.store().toArray(String[]::new));
    LiveLogRules.State n = plan.next();
    repository.update(
        workRequestId,
        new WorkRequestLogRepository.Summary(
            n.nextSeq(), n.byteCount(), n.droppedLines(), n.attempt(), n.nextLine()));
    registry.counter("kiln_live_log_batches_total", "outcome", "stored").increment();
    registry.counter("kiln_live_log_lines_total").increment(plan.store().size());
    return plan.store().size();
  }

  /**
   * A line of the live log.
   *
   * @param seq its number, the cursor to read after
   * @param attempt the attempt that logged it
   * @param line the text, without its line end
   * @param loggedAt when the scheduler stored it
   */
  public record LogLine(long seq, int attempt, String line, Instant loggedAt) {}

  /**
   * A page of a work request's live log.
   *
   * @param workRequestId the work request
   * @param status its status when read
   * @param lines the lines after the cursor, in order
   * @param nextAfter the cursor for the next read: the last seq returned, or the one asked for
   * @param droppedLines lines not kept (over the bounds or lost in transit); the whole log is the
   *     work request's debug-logs artifact
   * @param complete whether the log will not grow any more: the work request has ended and every
   *     line is read
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record LogPage(
      long workRequestId,
      String status,
      List<LogLine> lines,
      long nextAfter,
      long droppedLines,
      boolean complete) {}

  /** Lines after {@code after}, with the access rules of reading the work request. */
  @Transactional
  public LogPage read(long id, long after, int limit, Caller caller) {
    WorkRequestView wr = workRequests.get(id, caller); // access and existence, as GET /{id}
    List<LogLine> lines =
        repository.linesAfter(id, after, limit).stream()
            .map(l -> new LogLine(l.seq(), l.attempt(), l.line(), l.loggedAt()))
            .toList();
    long last = lines.isEmpty() ? after : lines.get(lines.size() - 1).seq();
    Optional<WorkRequestLogRepository.Summary> summary = repository.summary(id);
    long stored = summary.map(s -> s.nextSeq() - 1).orElse(0L);
    long dropped = summary.map(WorkRequestLogRepository.Summary::droppedLines).orElse(0L);
    boolean ended = "completed".equals(wr.status()) || "aborted".equals(wr.status());
    // The agent's last batches may be stored just after its report: a little while after the
    // end, no more lines come (the scheduler accepts none later than that).
    boolean settled =
        ended
            && (wr.completedAt() == null
                || wr.completedAt().plus(LATE_LINES).isBefore(Instant.now()));
    return new LogPage(id, wr.status(), lines, last, dropped, settled && last >= stored);
  }

  /** How long after its report an agent's last lines are still accepted. */
  public static final java.time.Duration LATE_LINES = java.time.Duration.ofSeconds(5);

  /** Wakes this replica's followers of the work request. */
  public void wake(long workRequestId) {
    Waiters w = waiting.get(workRequestId);
    if (w != null) {
      synchronized (w) {
        w.version++;
        w.notifyAll();
      }
    }
  }

  /**
   * Waits until a batch for the work request is stored on this replica, or {@code millis} pass
   * (followers read again then: the batch may have gone to another replica).
   */
  public void await(long workRequestId, long millis) throws InterruptedException {
    Waiters w =
        waiting.compute(
            workRequestId,
            (k, v) -> {
              Waiters x = v == null ? new Waiters() : v;
              synchronized (x) {
                x.count++;
              }
              return x;
            });
    try {
      synchronized (w) {
        long seen = w.version;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        long left;
        while (w.version == seen && (left = deadline - System.nanoTime()) > 0) {
          TimeUnit.NANOSECONDS.timedWait(w, left);
        }
      }
    } finally {
      waiting.computeIfPresent(
          workRequestId,
          (k, v) -> {
            synchronized (v) {
              v.count--;
              return v.count == 0 ? null : v;
            }
          });
    }
  }
}
