package dev.kiln.artifact.collection;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * Copies of collection items, made in one call and one transaction (the {@code copycollectionitems}
 * server task).
 *
 * @param workspace the workspace the lookups run in
 * @param workflowRootId the root workflow, for {@code internal@collections}; null outside one
 * @param copies the copies (at least one)
 */
public record CopyItemsRequest(String workspace, Long workflowRootId, List<Copy> copies) {

  /**
   * One copy.
   *
   * @param sourceItems a lookup of the artifacts or bare items to copy
   * @param targetCollection a lookup of the collection they go into
   * @param replace whether an active item of the same name is replaced (else 409)
   * @param nameTemplate the name of each copy: {@code {key}} is replaced by the item's data (with
   *     {@code variables} over it), {@code {name}} by the source item's name; absent: the source
   *     item's name, or the target category's default name
   * @param variables data added to each copy's item data
   */
  public record Copy(
      JsonNode sourceItems,
      JsonNode targetCollection,
      Boolean replace,
      String nameTemplate,
      Map<String, Object> variables) {}
}
