package dev.kiln.workflow.domain.orchestration;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.task.FieldError;
import dev.kiln.task.TaskRegistry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** What one orchestration lays out, across the root and the sub-workflows run inline. */
final class Plan {

  /** A child being laid out. */
  static final class Draft {
    final String key;
    final String parent;
    final String taskType;
    final String taskName;
    final ObjectNode taskData;
    WorkflowData workflowData = WorkflowData.empty();
    final List<EventReaction> onSuccess = new ArrayList<>();

    Draft(String key, String parent, String taskType, String taskName, ObjectNode taskData) {
      this.key = key;
      this.parent = parent;
      this.taskType = taskType;
      this.taskName = taskName;
      this.taskData = taskData;
    }

    ChildSpec spec() {
      return new ChildSpec(key, parent, taskType, taskName, taskData, workflowData, onSuccess);
    }
  }

  final WorkflowView view;
  final Orchestration orchestration;
  final Map<String, Draft> drafts = new LinkedHashMap<>();
  final Set<Edge> edges = new LinkedHashSet<>();
  final Map<String, PromiseSpec> promises = new LinkedHashMap<>();
  final Map<String, BareItemSpec> bareItems = new LinkedHashMap<>();

  Plan(WorkflowView view, Orchestration orchestration) {
    this.view = view;
    this.orchestration = orchestration;
  }

  Draft add(Draft d) {
    if (drafts.putIfAbsent(d.key, d) != null) {
      throw new OrchestrationException("two children are laid out with the key '" + d.key + "'");
    }
    return d;
  }

  /** A lookup: a promise of this plan first, then the view. */
  Optional<InternalItem> resolve(String lookup) {
    if (lookup.startsWith(WorkflowView.INTERNAL_PREFIX)) {
      PromiseSpec p = promises.get(lookup.substring(WorkflowView.INTERNAL_PREFIX.length()));
      if (p != null) {
        return Optional.of(new InternalItem(p.name(), p.category(), p.producer(), null, p.data()));
      }
    }
    return view.resolve(lookup);
  }

  void promise(PromiseSpec p) {
    PromiseSpec previous = promises.putIfAbsent(p.name(), p);
    if (previous != null && !previous.equals(p)) {
      throw new OrchestrationException("two promises are named '" + p.name() + "'");
    }
  }

  /** The mutation that brings the graph from the view to this plan. */
  GraphMutation finish(String trigger, TaskRegistry registry) {
    checkEdges();
    List<ChildSpec> children = new ArrayList<>();
    for (Draft d : drafts.values()) {
      ChildSpec spec = d.spec();
      ChildState existing = view.children().get(d.key);
      if (existing == null) {
        List<FieldError> errors = registry.validate(d.taskType, d.taskName, d.taskData);
        if (!errors.isEmpty()) {
          throw new OrchestrationException(
              d.key
                  + " ("
                  + d.taskType
                  + "/"
                  + d.taskName
                  + "): "
                  + errors.stream()
                      .map(e -> e.field() + ": " + e.message())
                      .collect(Collectors.joining("; ")));
        }
        children.add(spec);
      } else if (!existing.spec().equals(spec)) {
        throw new OrchestrationException(
            "the child '" + d.key + "' exists with another task or workflow data");
      }
    }
    List<Edge> newEdges = new ArrayList<>();
    for (Edge e : edges) {
      ChildState existing = view.children().get(e.child());
      if (existing == null || !existing.dependsOn().contains(e.dependsOn())) {
        newEdges.add(e);
      }
    }
    List<PromiseSpec> newPromises =
        promises.values().stream()
            .filter(p -> !view.internalCollection().containsKey(p.name()))
            .toList();
    List<BareItemSpec> newItems = new ArrayList<>();
    for (BareItemSpec b : bareItems.values()) {
      InternalItem existing = view.internalCollection().get(b.name());
      if (existing == null
          || existing.isPromise()
          || !existing.category().equals(b.category())
          || !existing.data().equals(b.data())) {
        newItems.add(b);
      }
    }
    return GraphMutation.of(
        view.workflowId(), trigger, children, newEdges, newPromises, List.copyOf(newItems));
  }

  /** Every edge joins known children, and the graph (existing and new) has no cycle. */
  private void checkEdges() {
    Map<String, Set<String>> deps = new HashMap<>();
    for (ChildState c : view.children().values()) {
      deps.computeIfAbsent(c.key(), k -> new LinkedHashSet<>()).addAll(c.dependsOn());
    }
    for (Draft d : drafts.values()) {
      deps.computeIfAbsent(d.key, k -> new LinkedHashSet<>());
    }
    for (Edge e : edges) {
      if (!deps.containsKey(e.dependsOn())) {
        throw new OrchestrationException(
            e.child() + " depends on '" + e.dependsOn() + "', which is not a child");
      }
      Set<String> of = deps.get(e.child());
      if (of == null) {
        throw new OrchestrationException("an edge starts at '" + e.child() + "', not a child");
      }
      of.add(e.dependsOn());
    }
    // Kahn: count each child's unmet dependencies, peel off the ready ones.
    Map<String, Integer> unmet = new HashMap<>();
    Map<String, List<String>> dependents = new HashMap<>();
    deps.forEach(
        (child, of) -> {
          unmet.put(child, of.size());
          of.forEach(d -> dependents.computeIfAbsent(d, k -> new ArrayList<>()).add(child));
        });
    Deque<String> ready = new ArrayDeque<>();
    unmet.forEach(
        (k, n) -> {
          if (n == 0) {
            ready.add(k);
          }
        });
    int seen = 0;
    while (!ready.isEmpty()) {
      String k = ready.poll();
      seen++;
      for (String dependent : dependents.getOrDefault(k, List.of())) {
        if (unmet.merge(dependent, -1, Integer::sum) == 0) {
          ready.add(dependent);
        }
      }
    }
    if (seen != unmet.size()) {
      List<String> inCycle =
          unmet.entrySet().stream()
              .filter(e -> e.getValue() > 0)
              .map(Map.Entry::getKey)
              .sorted()
              .limit(5)
              .toList();
      throw new OrchestrationException("the dependencies form a cycle through " + inCycle);
    }
  }
}
