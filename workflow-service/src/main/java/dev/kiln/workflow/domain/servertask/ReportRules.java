package dev.kiln.workflow.domain.servertask;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How the answer of the scheduler to a reported result is read, so that a report can be repeated
 * (after a timeout, a redelivered command, a restart) without harm.
 */
public final class ReportRules {

  private ReportRules() {}

  /** What to do after an answer. */
  public enum Verdict {
    /** The scheduler has this result: the run is reported. */
    ACCEPTED,
    /**
     * The work request has ended otherwise (aborted, or completed with another result by an admin):
     * nothing more to report.
     */
    SUPERSEDED,
    /** A transport failure or a 5xx: try again later. */
    RETRY,
    /** Any other refusal (403, 404, 400): it will not change by retrying. */
    REFUSED
  }

  /**
   * Reads the answer to {@code POST .../complete}.
   *
   * @param status the HTTP status
   * @return {@link Verdict#ACCEPTED} for 2xx, {@link Verdict#RETRY} for 5xx and 429; a 409 needs
   *     the work request's state ({@link #afterConflict})
   */
  public static Verdict afterComplete(int status) {
    if (status >= 200 && status < 300) {
      return Verdict.ACCEPTED;
    }
    if (status >= 500 || status == 429) {
      return Verdict.RETRY;
    }
    return status == 409 ? null : Verdict.REFUSED;
  }

  /**
   * After a 409 (the work request is not running): the repeat of a result the scheduler already has
   * is accepted; another end is superseded; a work request still running (a race) is retried.
   *
   * @param view the scheduler's view of the work request
   */
  public static Verdict afterConflict(String reportedResult, JsonNode view) {
    return afterConflict(reportedResult, null, view);
  }

  /**
   * After a 409, for a report that named its attempt: when the work request is at another attempt
   * now, the run is stale (a later attempt runs it, or ran it): superseded, whatever its state.
   * Otherwise as {@link #afterConflict(String, JsonNode)}.
   *
   * @param reportedAttempt the attempt the report named, or null
   */
  public static Verdict afterConflict(
      String reportedResult, Integer reportedAttempt, JsonNode view) {
    if (reportedAttempt != null
        && view.hasNonNull("attempt")
        && view.get("attempt").asInt() != reportedAttempt) {
      return Verdict.SUPERSEDED;
    }
    String status = view.path("status").asText("");
    String result = view.path("result").asText("");
    if (status.equals("completed") && result.equals(reportedResult)) {
      return Verdict.ACCEPTED;
    }
    if (status.equals("completed") || status.equals("aborted")) {
      return Verdict.SUPERSEDED;
    }
    return status.equals("running") ? Verdict.RETRY : Verdict.REFUSED;
  }
}
