package dev.kiln.workflow.domain.orchestration;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * An item of the root's internal collection (or an artifact a lookup resolved to), as an
 * orchestrator sees it: a promise (with its producer), an artifact (with its id) or bare data.
 *
 * @param name the item name
 * @param category for a promise, the promised category; else the artifact's or bare item's
 * @param producer for a promise, the key of the producing child; else null
 * @param artifactId for an artifact, its id; else null
 * @param data the item's data (for a promise: what the orchestrator gave it)
 */
public record InternalItem(
    String name, String category, String producer, Long artifactId, ObjectNode data) {

  /** Checks the parts. */
  public InternalItem {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(data, "data");
  }

  /** Whether it is a promise not fulfilled yet. */
  @JsonIgnore
  public boolean isPromise() {
    return producer != null;
  }

  /** {@code data.architecture}, if any. */
  @JsonIgnore
  public String architecture() {
    return data.hasNonNull("architecture") ? data.get("architecture").asText() : null;
  }
}
