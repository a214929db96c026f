package dev.kiln.scheduler.domain;

import dev.kiln.common.problem.ApiException;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Review of a work request with unblock strategy {@code manual} (Debusine's {@code
 * review_manual_unblock}): accept moves it to pending, reject aborts it, a bare note changes
 * nothing; each review appends a {@link LogEntry} to {@code workflow_data.manual_unblock.log}. Who
 * may review (the workspace owner) is the service's check.
 *
 * <p>Sharper than Debusine: an accept is refused while a dependency is not satisfied, so a manual
 * confirmation never lets a work request run before what it depends on.
 */
public final class ManualUnblock {

  private ManualUnblock() {}

  /** What the reviewer decides. */
  public enum Action {
    /** Unblock: blocked -> pending. */
    ACCEPT,
    /** Abort: blocked -> aborted (propagates like any abort). */
    REJECT,
    /** Only record the notes. */
    NONE;

    /** The action as stored: lower case, or null for {@code NONE}. */
    public String wire() {
      return this == NONE ? null : name().toLowerCase();
    }
  }

  /**
   * One line of {@code workflow_data.manual_unblock.log}.
   *
   * @param user who reviewed
   * @param timestamp when
   * @param notes what they wrote (may be empty)
   * @param action what they decided
   */
  public record LogEntry(String user, Instant timestamp, String notes, Action action) {

    /** Checks the parts are present. */
    public LogEntry {
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(timestamp, "timestamp");
      Objects.requireNonNull(action, "action");
      notes = notes == null ? "" : notes;
    }

    /** The entry as stored in {@code workflow_data}. */
    public Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("user", user);
      m.put("timestamp", timestamp.toString());
      m.put("notes", notes);
      m.put("action", action.wire());
      return m;
    }
  }

  /**
   * The outcome of a review.
   *
   * @param newStatus the status to move to, empty for a bare note
   * @param entry the log entry to append
   */
  public record Review(Optional<WorkRequestStatus> newStatus, LogEntry entry) {}

  /**
   * Decides a review.
   *
   * @param self the work request under review
   * @param inWorkflow whether it has a parent workflow (manual review only exists there)
   * @param dependencies its dependencies
   * @throws ApiException naming the reason when the review is not possible
   */
  public static Review review(
      DependencyNode self,
      boolean inWorkflow,
      Collection<DependencyNode> dependencies,
      LogEntry entry) {
    String wr = "work request " + self.id();
    if (self.unblockStrategy() != UnblockStrategy.MANUAL) {
      throw ApiException.preconditionFailed(wr + " does not unblock manually");
    }
    if (!inWorkflow) {
      throw ApiException.preconditionFailed(wr + " is not part of a workflow");
    }
    if (self.status() != WorkRequestStatus.BLOCKED) {
      throw ApiException.preconditionFailed(wr + " is " + self.status().wire() + ", not blocked");
    }
    if (!self.parentRunning()) {
      throw ApiException.preconditionFailed(wr + ": its workflow is not running");
    }
    return switch (entry.action()) {
      case NONE -> new Review(Optional.empty(), entry);
      case REJECT ->
          new Review(Optional.of(self.status().transitionTo(WorkRequestStatus.ABORTED)), entry);
      case ACCEPT -> {
        for (DependencyNode d : dependencies) {
          if (d.outcome() != DependencyNode.Outcome.SATISFIED) {
            throw ApiException.preconditionFailed(
                wr + " cannot be accepted: dependency " + d.id() + " is not satisfied");
          }
        }
        yield new Review(Optional.of(self.status().transitionTo(WorkRequestStatus.PENDING)), entry);
      }
    };
  }
}
