package dev.kiln.task.input;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Objects;

/**
 * What a worker needs to know about an input artifact without asking for it: its id (to download
 * its files) and its category and data (e.g. a source package's {@code name} and {@code version},
 * an environment's {@code codename}).
 *
 * @param id the artifact id
 * @param category e.g. {@code debian:source-package}
 * @param data the category's data (a JSON object)
 */
public record ArtifactInfo(long id, String category, JsonNode data) {

  /** Checks the parts; missing data is an empty object. */
  public ArtifactInfo {
    Objects.requireNonNull(category, "category");
    data = data == null || data.isNull() ? JsonNodeFactory.instance.objectNode() : data;
  }

  /** A text value of the data, or null when absent. */
  public String dataText(String key) {
    JsonNode v = data.get(key);
    return v == null || v.isNull() ? null : v.asText();
  }
}
