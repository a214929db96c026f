package dev.kiln.artifact.collection;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * A batch of lookups, resolved in one round trip.
 *
 * @param workspace the workspace collections are looked up in
 * @param workflowRootId the root workflow, for {@code internal@collections}; null outside one
 * @param lookups the lookups by a key of the caller's choosing (e.g. a task input field name)
 */
public record LookupRequest(String workspace, Long workflowRootId, Map<String, Item> lookups) {

  /**
   * One lookup.
   *
   * @param lookup a string, an integer id, a dict (multiple) or a list (multiple)
   * @param expectType artifact, collection, bare, artifact_or_promise or any (default any)
   * @param defaultCategory the category a bare collection name means
   */
  public record Item(JsonNode lookup, String expectType, String defaultCategory) {}
}
