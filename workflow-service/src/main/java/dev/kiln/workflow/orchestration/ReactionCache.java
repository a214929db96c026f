package dev.kiln.workflow.orchestration;

import dev.kiln.workflow.domain.orchestration.ChildSpec;
import dev.kiln.workflow.domain.orchestration.ChildState;
import dev.kiln.workflow.domain.orchestration.EventReaction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code on_success} reactions of the children of recently orchestrated workflows, by work
 * request, so that the completion of each of 10,000 children does not read the whole graph again. A
 * child's reactions never change (a key keeps its spec; a retry makes a new work request, which
 * misses and reloads). Bounded: the least recently used workflows are dropped.
 */
final class ReactionCache {

  /** A child's reactions, and its workflow's workspace. */
  record Entry(String workspace, List<EventReaction> onSuccess) {}

  private final int capacity;
  private final Map<Long, Map<Long, Entry>> byRoot;

  ReactionCache(int capacity) {
    this.capacity = Math.max(1, capacity);
    this.byRoot =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Long, Map<Long, Entry>> eldest) {
            return size() > ReactionCache.this.capacity;
          }
        };
  }

  synchronized void remember(GraphViews.Graph graph) {
    Map<Long, Entry> entries = new java.util.HashMap<>();
    for (ChildState c : graph.children()) {
      entries.put(c.workRequestId(), new Entry(graph.workspace(), c.spec().onSuccess()));
    }
    byRoot.put(graph.rootId(), entries);
  }

  synchronized void add(
      long rootId, String workspace, Map<String, ChildSpec> created, Map<String, Long> ids) {
    Map<Long, Entry> entries = byRoot.computeIfAbsent(rootId, k -> new java.util.HashMap<>());
    created.forEach(
        (key, spec) -> {
          Long id = ids.get(key);
          if (id != null) {
            entries.put(id, new Entry(workspace, spec.onSuccess()));
          }
        });
  }

  synchronized Optional<Entry> find(long rootId, long workRequestId) {
    Map<Long, Entry> entries = byRoot.get(rootId);
    return entries == null ? Optional.empty() : Optional.ofNullable(entries.get(workRequestId));
  }

  synchronized void forget(long rootId) {
    byRoot.remove(rootId);
  }
}
