package dev.kiln.workflow.domain.orchestration;

import dev.kiln.task.workflow.WorkflowCompletion;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The rules that move a workflow's children and end the workflow, as pure functions over child
 * states (the scheduler applies them; the tests' in-memory scheduler does too).
 *
 * <ul>
 *   <li>{@link #gate}: a blocked child is unblocked once every dependency ended satisfied, and
 *       aborted as soon as one ended unsatisfied. A dependency is satisfied by success or skipped,
 *       or — whatever its end, aborted included — by {@code allow_failure}. Debusine leaves the
 *       dependents of an aborted {@code allow_failure} child blocked forever (its workflow never
 *       ends); Kiln unblocks them.
 *   <li>{@link #completion}: once no child is blocked, pending or running, the workflow ends
 *       aborted if any child was aborted, failed if any failure lacks {@code allow_failure}, else
 *       succeeded.
 *   <li>{@link #abortCascade}: aborting a workflow aborts every unfinished descendant.
 *   <li>{@link #retryPlan}: retrying an ended, unsuccessful workflow re-orchestrates it, reopens it
 *       and its failed sub-workflows, and retries every failed or aborted task in dependency order.
 *       Unlike Debusine, a child that ended in {@code error} can be retried too.
 * </ul>
 */
public final class WorkflowRules {

  private WorkflowRules() {}

  /** What becomes of a blocked child. */
  public enum Gate {
    /** A dependency has not ended yet. */
    WAIT,
    /** Every dependency ended satisfied: it becomes pending. */
    UNBLOCK,
    /** A dependency ended unsatisfied: it is aborted (and so are its own dependents, in turn). */
    ABORT
  }

  /** How a workflow ended. */
  public enum End {
    /** Every child succeeded, was skipped, or was allowed to fail. */
    SUCCESS,
    /** A child failed (or ended in error) without {@code allow_failure}. */
    FAILURE,
    /** A child was aborted. */
    ABORTED
  }

  /** Whether a dependency that ended lets its dependents run. */
  public static boolean satisfies(ChildState dependency) {
    if (dependency.status().isUnfinished()) {
      return false;
    }
    if (dependency.allowsFailure()) {
      return true;
    }
    return dependency.status() == ChildStatus.COMPLETED && dependency.result().isSuccessful();
  }

  /** The fate of a blocked child with these dependencies. */
  public static Gate gate(Collection<ChildState> dependencies) {
    boolean waiting = false;
    for (ChildState d : dependencies) {
      if (d.status().isUnfinished()) {
        waiting = true;
      } else if (!satisfies(d)) {
        return Gate.ABORT;
      }
    }
    return waiting ? Gate.WAIT : Gate.UNBLOCK;
  }

  /**
   * How a workflow with these direct children ends, or empty while one is still blocked, pending or
   * running. A workflow with no children succeeds.
   */
  public static Optional<End> completion(Collection<ChildState> children) {
    // The one copy of the rule lives in the task SDK (the scheduler applies it too).
    List<WorkflowCompletion.Child> wire = new ArrayList<>(children.size());
    for (ChildState c : children) {
      wire.add(
          new WorkflowCompletion.Child(
              wire(c.status()), c.result() == null ? null : wire(c.result()), c.allowsFailure()));
    }
    return WorkflowCompletion.of(wire).map(e -> End.valueOf(e.name()));
  }

  private static String wire(Enum<?> value) {
    return value.name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * The keys of every unfinished descendant of a workflow (the root for {@code null}), including
   * those of its sub-workflows and the sub-workflows themselves.
   */
  public static List<String> abortCascade(String workflowKey, Collection<ChildState> children) {
    List<String> out = new ArrayList<>();
    for (ChildState c : children) {
      if (c.status().isUnfinished() && isDescendant(c, workflowKey)) {
        out.add(c.key());
      }
    }
    return out;
  }

  private static boolean isDescendant(ChildState c, String workflowKey) {
    return workflowKey == null || c.key().startsWith(workflowKey + "/");
  }

  /**
   * What retrying a workflow does.
   *
   * @param reopen the sub-workflows (by key) that go back to running, outermost first; the retried
   *     workflow itself goes back to running as well
   * @param retry the tasks to retry (each superseded by a new blocked work request under the same
   *     key), dependencies before dependents
   */
  public record RetryPlan(List<String> reopen, List<String> retry) {}

  /**
   * Plans the retry of a workflow (the root for {@code null}) that ended unsuccessfully.
   *
   * @param workflowStatus the workflow's status
   * @param workflowResult its result (null unless completed)
   * @throws IllegalStateException when it is unfinished or succeeded
   */
  public static RetryPlan retryPlan(
      String workflowKey,
      ChildStatus workflowStatus,
      ChildResult workflowResult,
      Collection<ChildState> children) {
    Objects.requireNonNull(workflowStatus, "workflowStatus");
    if (workflowStatus.isUnfinished()) {
      throw new IllegalStateException("only an ended workflow can be retried");
    }
    if (workflowStatus == ChildStatus.COMPLETED && workflowResult.isSuccessful()) {
      throw new IllegalStateException("a successful workflow is not retried");
    }
    List<String> reopen = new ArrayList<>();
    Map<String, ChildState> toRetry = new HashMap<>();
    List<ChildState> sorted =
        children.stream()
            .filter(c -> isDescendant(c, workflowKey))
            .sorted((a, b) -> a.key().compareTo(b.key()))
            .toList();
    for (ChildState c : sorted) {
      if (!failed(c)) {
        continue;
      }
      if (c.spec().isWorkflow()) {
        reopen.add(c.key());
      } else {
        toRetry.put(c.key(), c);
      }
    }
    reopen.sort((a, b) -> Integer.compare(depth(a), depth(b)));
    return new RetryPlan(List.copyOf(reopen), dependencyOrder(toRetry));
  }

  private static boolean failed(ChildState c) {
    return c.status() == ChildStatus.ABORTED
        || (c.status() == ChildStatus.COMPLETED && !c.result().isSuccessful());
  }

  private static int depth(String key) {
    return key.split("/", -1).length;
  }

  /** The keys, each after those of its dependencies that are retried too. */
  private static List<String> dependencyOrder(Map<String, ChildState> retried) {
    List<String> out = new ArrayList<>();
    Set<String> done = new HashSet<>();
    Set<String> visiting = new LinkedHashSet<>();
    for (String key : retried.keySet().stream().sorted().toList()) {
      visit(key, retried, done, visiting, out);
    }
    return List.copyOf(out);
  }

  private static void visit(
      String key,
      Map<String, ChildState> retried,
      Set<String> done,
      Set<String> visiting,
      List<String> out) {
    if (done.contains(key) || !visiting.add(key)) {
      return;
    }
    for (String dep : retried.get(key).dependsOn().stream().sorted().toList()) {
      if (retried.containsKey(dep)) {
        visit(dep, retried, done, visiting, out);
      }
    }
    visiting.remove(key);
    done.add(key);
    out.add(key);
  }
}
