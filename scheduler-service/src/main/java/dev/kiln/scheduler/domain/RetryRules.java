package dev.kiln.scheduler.domain;

import dev.kiln.common.problem.ApiException;
import dev.kiln.task.TaskType;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Retrying a work request that ended badly: a new work request supersedes it and takes over its
 * dependents; the old one keeps its terminal status. (A lost lease is not a retry in this sense:
 * the same work request goes back to pending, see {@link LeaseRules}.)
 *
 * <p>Retriable: a worker, signing, internal or workflow work request (as in Debusine: server and
 * wait tasks are not) that is aborted, or completed with {@code failure} <em>or {@code error}</em>
 * (Debusine refuses to retry an error, which is exactly the outcome of an infrastructure fault),
 * not superseded already, whose parent workflow, if any, is not terminal (retry the workflow
 * instead: terminal statuses never change here, so a finished workflow is not reopened), and none
 * of whose dependencies has failed (retry that one first). For a workflow, this decides the
 * superseding row only; re-running its orchestrator and retrying its failed children is the
 * workflow service's part.
 */
public final class RetryRules {

  private static final Set<TaskType> RETRIABLE_TYPES =
      Collections.unmodifiableSet(
          EnumSet.of(TaskType.WORKER, TaskType.SIGNING, TaskType.INTERNAL, TaskType.WORKFLOW));

  private RetryRules() {}

  /** Why a work request is retried. */
  public enum Reason {
    /** A person asked: {@code workflow_data.retry_count} starts again at 0. */
    MANUAL,
    /**
     * The {@code retry-with-delays} event reaction: {@code retry_count + 1}; the new work request
     * also depends on the {@code wait/delay} created for it (pass it among the dependencies).
     */
    DELAY
  }

  /**
   * The work request to retry.
   *
   * @param id its id
   * @param type its task type
   * @param status its status
   * @param result its result (null unless completed)
   * @param superseded whether a retry of it exists already
   * @param retryCount its {@code workflow_data.retry_count}
   * @param parentStatus the status of its parent workflow, or null when it has none
   */
  public record Candidate(
      long id,
      TaskType type,
      WorkRequestStatus status,
      WorkRequestResult result,
      boolean superseded,
      int retryCount,
      WorkRequestStatus parentStatus) {}

  /**
   * What a retry writes. The service inserts the new work request (with {@code supersedes} = the
   * old one, the new status and {@code retry_count}), its dependency rows, then moves the edges of
   * {@link #rewired} from the old work request to the new one and sets {@link #reblocked} back to
   * blocked, one statement each. Dependents that are running or ended keep their edge to the old
   * work request: that is their history.
   *
   * @param supersedes the id of the old work request
   * @param retryCount {@code workflow_data.retry_count} of the new one
   * @param status the status the new one starts in (pending when its dependencies are satisfied)
   * @param dependencies what the new one depends on (the old one's dependencies, as given)
   * @param rewired dependents whose edge moves from the old work request to the new one
   * @param reblocked those of them that go from pending back to blocked
   */
  public record Plan(
      long supersedes,
      int retryCount,
      WorkRequestStatus status,
      SortedSet<Long> dependencies,
      SortedSet<Long> rewired,
      SortedSet<Long> reblocked) {

    /** Copies the sets. */
    public Plan {
      dependencies = Collections.unmodifiableSortedSet(new TreeSet<>(dependencies));
      rewired = Collections.unmodifiableSortedSet(new TreeSet<>(rewired));
      reblocked = Collections.unmodifiableSortedSet(new TreeSet<>(reblocked));
    }
  }

  /** Whether the work request may be retried (see the class comment). */
  public static boolean isRetriable(Candidate wr) {
    return reasonNotRetriable(wr) == null;
  }

  /**
   * Checks the work request may be retried.
   *
   * @throws ApiException precondition failed, naming the reason
   */
  public static void checkRetriable(Candidate wr) {
    String reason = reasonNotRetriable(wr);
    if (reason != null) {
      throw ApiException.preconditionFailed("work request " + wr.id() + " " + reason);
    }
  }

  /**
   * Plans the retry.
   *
   * @param wr the work request to retry
   * @param reason why
   * @param strategy the unblock strategy (copied from the old one)
   * @param parentRunning whether its parent workflow runs (true without a parent)
   * @param dependencies the old one's dependencies, each replaced by the latest work request that
   *     supersedes it, plus for {@link Reason#DELAY} the delay created for this retry
   * @param dependents the work requests that depend on the old one
   * @throws ApiException precondition failed when it may not be retried
   */
  public static Plan plan(
      Candidate wr,
      Reason reason,
      UnblockStrategy strategy,
      boolean parentRunning,
      Collection<DependencyNode> dependencies,
      Collection<DependencyNode> dependents) {
    checkRetriable(wr);
    SortedSet<Long> deps = new TreeSet<>();
    for (DependencyNode d : dependencies) {
      if (d.outcome() == DependencyNode.Outcome.FAILED) {
        throw ApiException.preconditionFailed(
            "work request "
                + wr.id()
                + " cannot be retried while its dependency "
                + d.id()
                + " has failed: retry that one first");
      }
      deps.add(d.id());
    }
    WorkRequestStatus status = DependencyRules.initialStatus(strategy, parentRunning, dependencies);
    int retryCount = reason == Reason.MANUAL ? 0 : wr.retryCount() + 1;
    // The new work request is not terminal: to its dependents it is a waiting dependency.
    DependencyNode replacement =
        new DependencyNode(wr.id(), status, null, false, strategy, parentRunning);
    SortedSet<Long> rewired = new TreeSet<>();
    SortedSet<Long> reblocked = new TreeSet<>();
    for (DependencyNode d : dependents) {
      if (d.status() == WorkRequestStatus.BLOCKED || d.status() == WorkRequestStatus.PENDING) {
        rewired.add(d.id());
        if (DependencyRules.statusAfterAdding(d, replacement) != d.status()) {
          reblocked.add(d.id());
        }
      }
    }
    return new Plan(wr.id(), retryCount, status, deps, rewired, reblocked);
  }

  private static String reasonNotRetriable(Candidate wr) {
    if (!RETRIABLE_TYPES.contains(wr.type())) {
      return "is a " + wr.type() + " task: only worker, signing, internal and workflow retry";
    }
    if (wr.superseded()) {
      return "is already superseded by a retry";
    }
    boolean ended =
        wr.status() == WorkRequestStatus.ABORTED
            || (wr.status() == WorkRequestStatus.COMPLETED && !wr.result().isSuccessful());
    if (!ended) {
      return "is "
          + wr.status().wire()
          + (wr.result() == null ? "" : " with " + wr.result().wire())
          + ": only aborted work requests and failures or errors can be retried";
    }
    if (wr.parentStatus() != null && wr.parentStatus().isTerminal()) {
      return "belongs to a workflow that is " + wr.parentStatus().wire() + ": retry the workflow";
    }
    return null;
  }
}
