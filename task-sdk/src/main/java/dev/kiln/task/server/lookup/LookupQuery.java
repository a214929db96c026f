package dev.kiln.task.server.lookup;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One lookup of a batch.
 *
 * @param lookup the lookup: a string, an integer id, a dict or a list
 * @param expectType what it must find
 * @param defaultCategory the category a bare collection name means, or null
 */
public record LookupQuery(JsonNode lookup, ExpectType expectType, String defaultCategory) {

  /** Checks the lookup and type are present. */
  public LookupQuery {
    Objects.requireNonNull(lookup, "lookup");
    Objects.requireNonNull(expectType, "expectType");
  }
}
