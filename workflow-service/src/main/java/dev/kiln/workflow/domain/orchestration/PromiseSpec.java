package dev.kiln.workflow.domain.orchestration;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * A promise to create in the root's internal collection: a bare {@code debusine:promise} item named
 * {@code name}, with {@code promise_work_request_id} (the producer's work request, known to the
 * scheduler by key), {@code promise_workflow_id} and {@code promise_category}, plus {@code data}.
 * The producer's {@code update-collection-with-artifacts} reaction replaces it by the real artifact
 * when the producer succeeds; {@code requires} on the name depends on the producer.
 *
 * @param name the item name (no {@code /})
 * @param producer the key of the child that will produce the artifact
 * @param category the category of the promised artifact
 * @param data extra data (e.g. {@code architecture}), which children can be laid out by
 */
public record PromiseSpec(String name, String producer, String category, ObjectNode data) {

  /** The category of a promise item. */
  public static final String PROMISE_CATEGORY = "debusine:promise";

  /** Checks the parts. */
  public PromiseSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(producer, "producer");
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(data, "data");
    if (name.isBlank() || name.contains("/")) {
      throw new IllegalArgumentException("a promise name is non-blank without '/': " + name);
    }
  }
}
