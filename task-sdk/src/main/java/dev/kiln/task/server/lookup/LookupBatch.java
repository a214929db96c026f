package dev.kiln.task.server.lookup;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Lookups resolved in one round trip, keyed by a name of the caller's choosing (the task model uses
 * input field names).
 *
 * @param workspace the workspace collections are looked up in (and whose visibility applies)
 * @param workflowRootId the root workflow, for {@code internal@collections}; null outside one
 * @param lookups the lookups by key, in order
 */
public record LookupBatch(String workspace, Long workflowRootId, Map<String, LookupQuery> lookups) {

  /** Checks the parts; copies the map, keeping its order. */
  public LookupBatch {
    Objects.requireNonNull(workspace, "workspace");
    if (lookups == null || lookups.isEmpty()) {
      throw new IllegalArgumentException("a lookup batch has at least one lookup");
    }
    lookups = Collections.unmodifiableMap(new LinkedHashMap<>(lookups));
  }
}
