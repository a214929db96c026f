package dev.kiln.workflow.domain.orchestration;

import java.util.Objects;

/**
 * A dependency between two children of one root workflow, by key: {@code child} waits for {@code
 * dependsOn}.
 *
 * @param child the dependent child
 * @param dependsOn the child it waits for
 */
public record Edge(String child, String dependsOn) {

  /** Checks the parts. */
  public Edge {
    Objects.requireNonNull(child, "child");
    Objects.requireNonNull(dependsOn, "dependsOn");
    if (child.equals(dependsOn)) {
      throw new IllegalArgumentException("a child cannot depend on itself: " + child);
    }
  }
}
