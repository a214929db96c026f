package dev.kiln.workflow.domain.orchestration;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * Runtime data for the root's internal collection: a bare item (e.g. a {@code debian:qa-result})
 * that an orchestrator or a callback writes, replacing an item of the same name.
 *
 * @param name the item name (no {@code /})
 * @param category the bare data category
 * @param data the data
 */
public record BareItemSpec(String name, String category, ObjectNode data) {

  /** Checks the parts. */
  public BareItemSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(data, "data");
    if (name.isBlank() || name.contains("/")) {
      throw new IllegalArgumentException("an item name is non-blank without '/': " + name);
    }
  }
}
