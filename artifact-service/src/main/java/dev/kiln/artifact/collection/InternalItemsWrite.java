package dev.kiln.artifact.collection;

import java.util.List;
import java.util.Map;

/**
 * A batch write to a root workflow's internal collection ({@code workflow-<root_id>}, category
 * {@code debusine:workflow-internal}), applied in one transaction; the collection is created when
 * missing.
 *
 * @param workspace the workflow's workspace
 * @param items the items, each written by name
 */
public record InternalItemsWrite(String workspace, List<Item> items) {

  /**
   * One item: an artifact item ({@code artifact_id}) or a bare item ({@code category}).
   *
   * @param name the item name (no {@code /})
   * @param artifactId the artifact, for an artifact item (it takes the artifact's category)
   * @param category the category of a bare item
   * @param data the item's data
   * @param replace true: an active item of the same name is replaced; false: it is kept and this
   *     item is skipped (so a promise never overwrites the artifact that fulfilled it)
   */
  public record Item(
      String name, Long artifactId, String category, Map<String, Object> data, Boolean replace) {}

  /**
   * What the write did.
   *
   * @param collectionId the internal collection
   * @param written items written (replacing or new)
   * @param kept items skipped because an item of that name exists and {@code replace} was false
   */
  public record Result(long collectionId, int written, int kept) {}
}
