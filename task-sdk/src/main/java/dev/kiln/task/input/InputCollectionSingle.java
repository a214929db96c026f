package dev.kiln.task.input;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A resolved single-collection input field.
 *
 * @param lookup the lookup that was resolved
 * @param collection the collection it found
 */
public record InputCollectionSingle(JsonNode lookup, CollectionInfo collection)
    implements InputValue {

  /** Checks both parts are present. */
  public InputCollectionSingle {
    Objects.requireNonNull(lookup, "lookup");
    Objects.requireNonNull(collection, "collection");
  }

  /** The collection's id. */
  public long collectionId() {
    return collection.id();
  }
}
