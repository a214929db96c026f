package dev.kiln.workflow.orchestration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.List;

/** What orchestration needs of the artifact service: the internal collection, lookups, outputs. */
public interface ArtifactApi {

  /**
   * The active items of the root's internal collection (none when it does not exist yet): all of
   * them for {@code names} null, else those named.
   */
  List<JsonNode> internalItems(String workspace, long rootId, Collection<String> names);

  /** Ensures the internal collection and writes the items, in one call. */
  void writeInternalItems(String workspace, long rootId, ArrayNode items);

  /**
   * Resolves lookups in one batch ({@code POST /api/v1/lookups}).
   *
   * @param lookups {@code {"<key>": {"lookup": ...}}}
   * @return {@code {"<key>": result}}
   */
  JsonNode lookups(String workspace, long rootId, ObjectNode lookups);

  /**
   * Adds items to a named collection of the workspace (not the internal one) in one transaction:
   * the collection lookup (e.g. {@code debian@debian:environments}) resolved, then one batch write
   * ({@code POST /api/v1/collections/{id}/items/batch}).
   *
   * @param items {@code [{"artifact_id": N, "name": null-or-name, "data": {...}, "replace": true}]}
   * @throws IllegalStateException when the collection cannot be found or the write is refused
   */
  void addCollectionItems(String workspace, long rootId, String collection, ArrayNode items);

  /** The artifacts these work requests created, oldest first, by work request. */
  java.util.Map<Long, List<JsonNode>> artifactsCreatedBy(
      String workspace, Collection<Long> workRequestIds);
}
