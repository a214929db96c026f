package dev.kiln.scheduler.domain;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks a graph of dependencies before it is stored: a whole workflow's graph submitted at once,
 * or one added edge. Dependencies stay inside one root workflow and form no cycle.
 *
 * <p>Keys are whatever names the work requests at that point: ids of stored ones, or the
 * submission's own keys for new ones. Give the new edges together with the stored edges among the
 * same root workflows; the check runs in O(V + E) (Tarjan's strongly connected components,
 * iterative, so a deep chain cannot overflow the stack).
 */
public final class DependencyGraph {

  private DependencyGraph() {}

  /** What is wrong with the graph. */
  public enum Problem {
    /** An edge names a work request whose root workflow is not given. */
    UNKNOWN,
    /** A work request depends on itself. */
    SELF,
    /** A dependency belongs to another root workflow. */
    CROSS_WORKFLOW,
    /** The work requests named depend on each other in a cycle. */
    CYCLE
  }

  /**
   * One problem, naming the work requests involved.
   *
   * @param problem the kind
   * @param keys the work requests involved (for {@code CROSS_WORKFLOW}: dependent, then dependency)
   * @param message readable, with the keys
   */
  public record Error<K>(Problem problem, List<K> keys, String message) {

    /** Copies the keys. */
    public Error {
      keys = List.copyOf(keys);
    }
  }

  /**
   * The problems of a graph, empty when it may be stored.
   *
   * @param rootOf the root workflow of every work request named (a work request outside any
   *     workflow is its own root)
   * @param dependenciesOf for each work request, the work requests it depends on
   */
  public static <K> List<Error<K>> validate(
      Map<K, ?> rootOf, Map<K, ? extends Collection<K>> dependenciesOf) {
    List<Error<K>> errors = new ArrayList<>();
    Map<K, List<K>> edges = new LinkedHashMap<>();
    dependenciesOf.forEach(
        (k, ds) -> {
          List<K> kept = new ArrayList<>();
          for (K d : new LinkedHashSet<>(ds)) {
            if (!rootOf.containsKey(k) || !rootOf.containsKey(d)) {
              K missing = rootOf.containsKey(k) ? d : k;
              errors.add(
                  new Error<>(
                      Problem.UNKNOWN,
                      List.of(missing),
                      "work request " + missing + " is not known (no root workflow given)"));
            } else if (Objects.equals(k, d)) {
              errors.add(
                  new Error<>(
                      Problem.SELF, List.of(k), "work request " + k + " depends on itself"));
            } else if (!Objects.equals(rootOf.get(k), rootOf.get(d))) {
              errors.add(
                  new Error<>(
                      Problem.CROSS_WORKFLOW,
                      List.of(k, d),
                      "work request "
                          + k
                          + " (root workflow "
                          + rootOf.get(k)
                          + ") cannot depend on work request "
                          + d
                          + " of root workflow "
                          + rootOf.get(d)));
            } else {
              kept.add(d);
            }
          }
          edges.put(k, kept);
        });
    for (List<K> cycle : cycles(edges)) {
      errors.add(
          new Error<>(
              Problem.CYCLE,
              cycle,
              "dependency cycle among work requests "
                  + cycle.stream().map(String::valueOf).collect(Collectors.joining(", "))));
    }
    return errors;
  }

  /** The strongly connected components of more than one node, each in discovery order. */
  private static <K> List<List<K>> cycles(Map<K, List<K>> edges) {
    Map<K, Integer> index = new HashMap<>();
    Map<K, Integer> low = new HashMap<>();
    Set<K> onStack = new java.util.HashSet<>();
    Deque<K> stack = new ArrayDeque<>();
    List<List<K>> out = new ArrayList<>();
    int next = 0;
    // Explicit call stack of (node, position in its edge list).
    Deque<Object[]> frames = new ArrayDeque<>();
    for (K start : edges.keySet()) {
      if (index.containsKey(start)) {
        continue;
      }
      frames.push(new Object[] {start, 0});
      index.put(start, next);
      low.put(start, next);
      next++;
      stack.push(start);
      onStack.add(start);
      while (!frames.isEmpty()) {
        Object[] frame = frames.peek();
        @SuppressWarnings("unchecked")
        K v = (K) frame[0];
        int i = (Integer) frame[1];
        List<K> out1 = edges.getOrDefault(v, List.of());
        if (i < out1.size()) {
          frame[1] = i + 1;
          K w = out1.get(i);
          if (!index.containsKey(w)) {
            index.put(w, next);
            low.put(w, next);
            next++;
            stack.push(w);
            onStack.add(w);
            frames.push(new Object[] {w, 0});
          } else if (onStack.contains(w)) {
            low.put(v, Math.min(low.get(v), index.get(w)));
          }
          continue;
        }
        frames.pop();
        if (!frames.isEmpty()) {
          @SuppressWarnings("unchecked")
          K parent = (K) frames.peek()[0];
          low.put(parent, Math.min(low.get(parent), low.get(v)));
        }
        if (low.get(v).equals(index.get(v))) {
          List<K> component = new ArrayList<>();
          K w;
          do {
            w = stack.pop();
            onStack.remove(w);
            component.add(w);
          } while (!Objects.equals(w, v));
          if (component.size() > 1) {
            java.util.Collections.reverse(component);
            out.add(component);
          }
        }
      }
    }
    return out;
  }
}
