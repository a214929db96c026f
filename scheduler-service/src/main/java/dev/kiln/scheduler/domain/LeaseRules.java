package dev.kiln.scheduler.domain;

import dev.kiln.common.problem.ApiException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Assignments, leases and fencing. Every assignment raises the work request's {@code attempt}; each
 * report and heartbeat names the attempt, and only the current attempt of the assigned worker
 * counts. A lease that expires puts the work request back to pending with {@code retry_count + 1},
 * at most {@link #MAX_AUTOMATIC_RETRIES} times; after that it ends {@code error}, code {@value
 * #WORKER_LOST}. An optional time limit ends a running work request {@code error}, code {@value
 * #TIME_LIMIT_EXCEEDED}, without an automatic retry (it would most likely run out of time again).
 */
public final class LeaseRules {

  /** Automatic retries after lost leases. */
  public static final int MAX_AUTOMATIC_RETRIES = 3;

  /** {@code output_data.errors[].code} when the retries after lost leases are used up. */
  public static final String WORKER_LOST = "worker-lost";

  /** {@code output_data.errors[].code} when a work request ran longer than its time limit. */
  public static final String TIME_LIMIT_EXCEEDED = "time-limit-exceeded";

  private LeaseRules() {}

  /** What to do with a work request whose lease expired. */
  public sealed interface Expiry {}

  /**
   * Back to pending (no worker, lease cleared) for another automatic try.
   *
   * @param retryCount the new {@code retry_count}
   */
  public record Requeue(int retryCount) implements Expiry {}

  /**
   * Completed with {@code error}; put {@code {code, message}} in {@code output_data.errors}.
   *
   * @param code the error code
   * @param message readable
   */
  public record Fail(String code, String message) implements Expiry {

    /** The result to record. */
    public WorkRequestResult result() {
      return WorkRequestResult.ERROR;
    }
  }

  /**
   * The decision for an expired lease.
   *
   * @param retryCount the work request's {@code retry_count}
   * @param maxAutomaticRetries the configured limit (normally {@link #MAX_AUTOMATIC_RETRIES})
   */
  public static Expiry onLeaseExpired(int retryCount, int maxAutomaticRetries) {
    if (retryCount < maxAutomaticRetries) {
      return new Requeue(retryCount + 1);
    }
    return new Fail(
        WORKER_LOST,
        "the worker stopped heartbeating and the "
            + maxAutomaticRetries
            + " automatic retries are used up");
  }

  /** How a report for a work request is taken. */
  public enum Report {
    /** Record it: the current attempt of the assigned worker, running. */
    ACCEPT,
    /** Already recorded (the same report again): answer as if accepted, change nothing. */
    DUPLICATE
  }

  /**
   * Checks a worker's report of a result.
   *
   * @param id the work request
   * @param status its status
   * @param result its result (null unless completed)
   * @param assignedWorker the worker it is assigned to (null when none)
   * @param attempt its current attempt
   * @param reportingWorker the worker that reports
   * @param reportedAttempt the attempt the report names
   * @param reportedResult the result reported
   * @throws ApiException precondition failed for a stale attempt, another worker, or a work request
   *     that is not running
   */
  public static Report checkReport(
      long id,
      WorkRequestStatus status,
      WorkRequestResult result,
      Long assignedWorker,
      int attempt,
      long reportingWorker,
      int reportedAttempt,
      WorkRequestResult reportedResult) {
    if (!Objects.equals(assignedWorker, reportingWorker) || attempt != reportedAttempt) {
      throw ApiException.preconditionFailed(
          "attempt "
              + reportedAttempt
              + " of work request "
              + id
              + " is stale or not this worker's (current attempt "
              + attempt
              + ")");
    }
    if (status == WorkRequestStatus.COMPLETED && result == reportedResult) {
      return Report.DUPLICATE;
    }
    if (status != WorkRequestStatus.RUNNING) {
      throw ApiException.preconditionFailed(
          "work request " + id + " is " + status.wire() + ", not running");
    }
    return Report.ACCEPT;
  }

  /**
   * Checks a time limit given for a work request.
   *
   * @throws ApiException invalid input when not positive or above {@code max}
   */
  public static void checkTimeLimit(Duration limit, Duration max) {
    if (limit.isNegative() || limit.isZero() || limit.compareTo(max) > 0) {
      throw ApiException.invalidField(
          "time_limit", "must be positive and at most " + max.toSeconds() + " seconds");
    }
  }

  /**
   * When a running work request with this time limit must end, or null without a limit. The reaper
   * ends it with {@link #TIME_LIMIT_EXCEEDED} once this has passed.
   */
  public static Instant deadline(Instant startedAt, Duration timeLimit) {
    return timeLimit == null ? null : startedAt.plus(timeLimit);
  }

  /** Whether a running work request has run past its time limit (none: never). */
  public static boolean timeLimitExceeded(Instant startedAt, Duration timeLimit, Instant now) {
    Instant deadline = deadline(startedAt, timeLimit);
    return deadline != null && now.isAfter(deadline);
  }
}
