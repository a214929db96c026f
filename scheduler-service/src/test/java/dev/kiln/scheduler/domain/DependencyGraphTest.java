package dev.kiln.scheduler.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.scheduler.domain.DependencyGraph.Problem;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DependencyGraphTest {

  private static Map<String, Object> root(String root, String... keys) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (String k : keys) {
      m.put(k, root);
    }
    return m;
  }

  @Test
  void aDagInsideOneWorkflowIsFine() {
    // diamond: d depends on b and c, both on a
    Map<String, List<String>> deps =
        Map.of("b", List.of("a"), "c", List.of("a"), "d", List.of("b", "c"));
    assertEquals(List.of(), DependencyGraph.validate(root("w1", "a", "b", "c", "d"), deps));
  }

  @Test
  void aCycleIsRefusedNamingEveryWorkRequestInIt() {
    Map<String, List<String>> deps = new LinkedHashMap<>();
    deps.put("build", List.of("prepare"));
    deps.put("test", List.of("build"));
    deps.put("prepare", List.of("test"));
    deps.put("lint", List.of("prepare")); // downstream of the cycle, not part of it
    var errors = DependencyGraph.validate(root("w1", "prepare", "build", "test", "lint"), deps);
    assertEquals(1, errors.size(), errors.toString());
    assertEquals(Problem.CYCLE, errors.get(0).problem());
    assertEquals(Set.of("prepare", "build", "test"), Set.copyOf(errors.get(0).keys()));
    assertTrue(errors.get(0).message().contains("build"), errors.get(0).message());
    assertTrue(errors.get(0).message().contains("prepare"));
    assertTrue(errors.get(0).message().contains("test"));
  }

  @Test
  void aCycleClosedByTheBatchThroughStoredEdgesIsFound() {
    // Stored: 11 -> 10 (11 depends on 10). The batch adds "new" -> 11 and 10 -> "new".
    Map<Object, Object> roots = new HashMap<>(Map.of(10L, 1L, 11L, 1L, "new", 1L));
    Map<Object, List<Object>> deps = new HashMap<>();
    deps.put(11L, List.of(10L));
    deps.put("new", List.of(11L));
    deps.put(10L, List.of("new"));
    var errors = DependencyGraph.validate(roots, deps);
    assertEquals(1, errors.size());
    assertEquals(Set.of(10L, 11L, "new"), Set.copyOf(errors.get(0).keys()));
  }

  @Test
  void twoSeparateCyclesAreTwoErrors() {
    Map<String, List<String>> deps =
        Map.of("a", List.of("b"), "b", List.of("a"), "c", List.of("d"), "d", List.of("c"));
    var errors = DependencyGraph.validate(root("w", "a", "b", "c", "d"), deps);
    assertEquals(2, errors.size());
    assertEquals(
        Set.of(Set.of("a", "b"), Set.of("c", "d")),
        Set.of(Set.copyOf(errors.get(0).keys()), Set.copyOf(errors.get(1).keys())));
  }

  @Test
  void selfDependencyIsNamed() {
    var errors = DependencyGraph.validate(root("w", "a"), Map.of("a", List.of("a")));
    assertEquals(1, errors.size());
    assertEquals(Problem.SELF, errors.get(0).problem());
    assertEquals(List.of("a"), errors.get(0).keys());
  }

  @Test
  void dependenciesStayInsideOneRootWorkflow() {
    Map<String, Object> roots = new HashMap<>(root("w1", "a"));
    roots.putAll(root("w2", "b"));
    var errors = DependencyGraph.validate(roots, Map.of("a", List.of("b")));
    assertEquals(1, errors.size());
    assertEquals(Problem.CROSS_WORKFLOW, errors.get(0).problem());
    assertEquals(List.of("a", "b"), errors.get(0).keys());
    assertTrue(errors.get(0).message().contains("w1") && errors.get(0).message().contains("w2"));
  }

  @Test
  void standaloneWorkRequestsAreTheirOwnRootsSoTheyCannotDependOnEachOther() {
    Map<Long, Long> roots = Map.of(1L, 1L, 2L, 2L);
    var errors = DependencyGraph.validate(roots, Map.of(2L, List.of(1L)));
    assertEquals(Problem.CROSS_WORKFLOW, errors.get(0).problem());
  }

  @Test
  void anEdgeToAnUnknownWorkRequestIsNamed() {
    var errors = DependencyGraph.validate(root("w", "a"), Map.of("a", List.of("ghost")));
    assertEquals(1, errors.size());
    assertEquals(Problem.UNKNOWN, errors.get(0).problem());
    assertEquals(List.of("ghost"), errors.get(0).keys());
  }

  @Test
  void aVeryLongChainNeedsNoDeepStack() {
    int n = 200_000;
    Map<Integer, Object> roots = new HashMap<>();
    Map<Integer, List<Integer>> deps = new HashMap<>();
    for (int i = 0; i < n; i++) {
      roots.put(i, "w");
      if (i > 0) {
        deps.put(i, List.of(i - 1));
      }
    }
    assertEquals(List.of(), DependencyGraph.validate(roots, deps));
    deps.put(0, List.of(n - 1)); // close the ring
    var errors = DependencyGraph.validate(roots, deps);
    assertEquals(1, errors.size());
    assertEquals(n, errors.get(0).keys().size());
  }
}
