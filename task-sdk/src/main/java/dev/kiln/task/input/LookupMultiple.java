package dev.kiln.task.input;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Objects;

/**
 * A lookup of several things: a list of single lookups and dict lookups, or one dict lookup. In a
 * task data record it stands for a JSON value of type {@code ["array", "object"]}.
 *
 * @param json the lookup as written
 */
public record LookupMultiple(@JsonValue JsonNode json) implements Lookup {

  /** Checks the lookup is a list (of strings, integers and dicts) or a dict. */
  public LookupMultiple {
    Objects.requireNonNull(json, "json");
    if (json.isArray()) {
      for (JsonNode item : json) {
        boolean ok =
            (item.isTextual() && !item.asText().isBlank())
                || item.isIntegralNumber()
                || item.isObject();
        if (!ok) {
          throw new IllegalArgumentException(
              "each item of a multiple lookup is a non-empty string, an integer or a dict, not "
                  + item);
        }
      }
    } else if (!json.isObject()) {
      throw new IllegalArgumentException("a multiple lookup is a list or a dict, not " + json);
    }
  }

  /** Reads a lookup from JSON (used by Jackson). */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static LookupMultiple fromJson(JsonNode json) {
    return new LookupMultiple(json);
  }

  /** A list of string lookups. */
  public static LookupMultiple of(String... lookups) {
    ArrayNode list = JsonNodeFactory.instance.arrayNode();
    for (String l : lookups) {
      list.add(l);
    }
    return new LookupMultiple(list);
  }

  /** A list of lookups by id. */
  public static LookupMultiple ofIds(long... ids) {
    ArrayNode list = JsonNodeFactory.instance.arrayNode();
    for (long id : ids) {
      list.add(id);
    }
    return new LookupMultiple(list);
  }

  /** Whether this is an empty list (looks up nothing). */
  public boolean isEmpty() {
    return json.isArray() && json.isEmpty();
  }

  @Override
  public String toString() {
    return json.toString();
  }
}
