package dev.kiln.scheduler.domain;

import dev.kiln.common.problem.ApiException;
import dev.kiln.scheduler.domain.DependencyNode.Outcome;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Blocking and unblocking by dependencies.
 *
 * <p>A dependency is {@linkplain DependencyNode.Outcome#SATISFIED satisfied} when it completed with
 * success or skipped, or when it ended in any way (failure, error, aborted) and has {@code
 * allow_failure}. It has {@linkplain DependencyNode.Outcome#FAILED failed} when it ended otherwise.
 * A blocked work request with strategy {@code deps} becomes pending when all its dependencies are
 * satisfied (and its parent workflow runs); any blocked work request, whatever its strategy, is
 * aborted when one of its dependencies failed, and that abort propagates in turn.
 */
public final class DependencyRules {

  private DependencyRules() {}

  /**
   * The status a work request starts in (on creation or as a retry), given its dependencies:
   * aborted if one failed, pending if it unblocks by dependencies and all are satisfied, else
   * blocked.
   */
  public static WorkRequestStatus initialStatus(
      UnblockStrategy strategy, boolean parentRunning, Collection<DependencyNode> dependencies) {
    boolean allSatisfied = true;
    for (DependencyNode d : dependencies) {
      Outcome o = d.outcome();
      if (o == Outcome.FAILED) {
        return WorkRequestStatus.ABORTED;
      }
      allSatisfied &= o == Outcome.SATISFIED;
    }
    return strategy == UnblockStrategy.DEPS && parentRunning && allSatisfied
        ? WorkRequestStatus.PENDING
        : WorkRequestStatus.BLOCKED;
  }

  /**
   * The status of {@code self} once {@code dependency} is added to its dependencies (Debusine's
   * {@code add_dependency}): a pending {@code deps} work request goes back to blocked while the
   * dependency is not satisfied; a failed dependency aborts a blocked or pending one (it could
   * never run); otherwise the status stays. The caller checks the graph with {@link
   * DependencyGraph#validate} first.
   *
   * @throws ApiException when {@code self} is running or terminal: a dependency can no longer
   *     matter
   */
  public static WorkRequestStatus statusAfterAdding(
      DependencyNode self, DependencyNode dependency) {
    if (self.status() != WorkRequestStatus.BLOCKED && self.status() != WorkRequestStatus.PENDING) {
      throw ApiException.preconditionFailed(
          "work request "
              + self.id()
              + " is "
              + self.status().wire()
              + ": only a blocked or pending work request can get a dependency");
    }
    return switch (dependency.outcome()) {
      case FAILED -> self.status().transitionTo(WorkRequestStatus.ABORTED);
      case WAITING ->
          self.status() == WorkRequestStatus.PENDING
                  && self.unblockStrategy() == UnblockStrategy.DEPS
              ? self.status().transitionTo(WorkRequestStatus.BLOCKED)
              : self.status();
      case SATISFIED -> self.status();
    };
  }

  /**
   * What {@code finishedId} reaching a terminal status changes, transitively, among the blocked
   * work requests that depend on it.
   *
   * <p>Input: the finished work request, every blocked work request reachable from it through
   * reverse dependency edges (one recursive query), the dependency edges of those, and the nodes
   * those edges name. Runs in time linear in the nodes and edges given.
   *
   * @param finishedId the work request that just completed or was aborted
   * @param nodes the nodes by id (the finished one with its terminal status)
   * @param dependenciesOf for each dependent, the ids of the work requests it depends on
   * @throws IllegalArgumentException when the finished node is not terminal or an edge names a node
   *     not given
   */
  public static Propagation propagate(
      long finishedId,
      Map<Long, DependencyNode> nodes,
      Map<Long, ? extends Collection<Long>> dependenciesOf) {
    DependencyNode finished = node(nodes, finishedId);
    if (!finished.status().isTerminal()) {
      throw new IllegalArgumentException(
          "work request " + finishedId + " is " + finished.status().wire() + ", not terminal");
    }
    Map<Long, Set<Long>> deps = new HashMap<>();
    Map<Long, List<Long>> dependents = new HashMap<>();
    dependenciesOf.forEach(
        (dependent, ds) -> {
          node(nodes, dependent);
          Set<Long> unique = new LinkedHashSet<>(ds);
          deps.put(dependent, unique);
          for (Long d : unique) {
            node(nodes, d);
            dependents.computeIfAbsent(d, k -> new ArrayList<>()).add(dependent);
          }
        });

    Map<Long, DependencyNode> current = new HashMap<>(nodes);
    Set<Long> processed = new HashSet<>();
    Set<Long> aborted = new TreeSet<>();
    Set<Long> unblocked = new TreeSet<>();
    Map<Long, int[]> waiting = new HashMap<>();
    Deque<Long> queue = new ArrayDeque<>();
    queue.add(finishedId);
    while (!queue.isEmpty()) {
      long x = queue.poll();
      processed.add(x);
      Outcome ox = current.get(x).outcome();
      for (long d : dependents.getOrDefault(x, List.of())) {
        DependencyNode dependent = current.get(d);
        if (dependent.status() != WorkRequestStatus.BLOCKED) {
          continue;
        }
        boolean failed;
        int[] w = waiting.get(d);
        if (w == null) {
          // First visit: count what is still open. Nodes aborted by this propagation but not
          // dequeued yet count as open; their turn in the queue settles them.
          failed = false;
          w = new int[1];
          for (long y : deps.get(d)) {
            DependencyNode dep = current.get(y);
            boolean settled =
                dep.status().isTerminal() && (processed.contains(y) || !aborted.contains(y));
            Outcome oy = settled ? dep.outcome() : Outcome.WAITING;
            failed |= oy == Outcome.FAILED;
            w[0] += oy == Outcome.WAITING ? 1 : 0;
          }
          waiting.put(d, w);
        } else {
          failed = ox == Outcome.FAILED;
          if (!failed) {
            w[0]--;
          }
        }
        if (failed) {
          current.put(d, dependent.with(WorkRequestStatus.ABORTED, null));
          aborted.add(d);
          queue.add(d);
        } else if (w[0] == 0
            && dependent.unblockStrategy() == UnblockStrategy.DEPS
            && dependent.parentRunning()) {
          current.put(d, dependent.with(WorkRequestStatus.PENDING, null));
          unblocked.add(d);
        }
      }
    }
    return new Propagation(new TreeSet<>(unblocked), new TreeSet<>(aborted));
  }

  private static DependencyNode node(Map<Long, DependencyNode> nodes, long id) {
    DependencyNode n = nodes.get(id);
    if (n == null) {
      throw new IllegalArgumentException("work request " + id + " is named but not given");
    }
    if (n.id() != id) {
      throw new IllegalArgumentException(
          "work request " + id + " is given under the id of " + n.id());
    }
    return n;
  }
}
