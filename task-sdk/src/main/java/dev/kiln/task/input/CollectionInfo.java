package dev.kiln.task.input;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Objects;

/**
 * What a task needs to know about an input collection without asking for it.
 *
 * @param id the collection id
 * @param name its name, e.g. {@code bookworm}
 * @param category e.g. {@code debian:suite}
 * @param data the category's data (a JSON object)
 */
public record CollectionInfo(long id, String name, String category, JsonNode data) {

  /** Checks the parts; missing data is an empty object. */
  public CollectionInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(category, "category");
    data = data == null || data.isNull() ? JsonNodeFactory.instance.objectNode() : data;
  }
}
