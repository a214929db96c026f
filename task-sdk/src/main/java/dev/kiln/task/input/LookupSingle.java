package dev.kiln.task.input;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Objects;

/**
 * A lookup of one thing: a non-empty string or an integer id. In a task data record it stands for a
 * JSON value of type {@code ["string", "integer"]}.
 *
 * @param json the lookup as written
 */
public record LookupSingle(@JsonValue JsonNode json) implements Lookup {

  /** Checks the lookup is a non-empty string or an integer. */
  public LookupSingle {
    Objects.requireNonNull(json, "json");
    boolean ok = (json.isTextual() && !json.asText().isBlank()) || json.isIntegralNumber();
    if (!ok) {
      throw new IllegalArgumentException(
          "a single lookup is a non-empty string or an integer, not " + json);
    }
  }

  /** Reads a lookup from JSON (used by Jackson). */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static LookupSingle fromJson(JsonNode json) {
    return new LookupSingle(json);
  }

  /** A string lookup, e.g. {@code 12@artifacts} or {@code debian/match:codename=bookworm}. */
  public static LookupSingle of(String lookup) {
    return new LookupSingle(JsonNodeFactory.instance.textNode(lookup));
  }

  /** A lookup by id. */
  public static LookupSingle of(long id) {
    return new LookupSingle(JsonNodeFactory.instance.numberNode(id));
  }

  @Override
  public String toString() {
    return json.isTextual() ? json.asText() : json.toString();
  }
}
