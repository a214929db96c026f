package dev.kiln.artifact.domain;

import dev.kiln.common.problem.ApiException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A parsed string lookup in Debusine's syntax: {@code NNN@artifacts}, {@code NNN@collections},
 * {@code internal@collections}, {@code _@category} (a singleton), {@code name@category}, or a bare
 * {@code name} when a default category applies; followed by {@code /segment}s that select an item
 * inside the collection: {@code name:NAME} (a segment without {@code :} means {@code name:}) or
 * {@code match:key=value:key=value} (newest matching item wins).
 *
 * @param kind what the head names
 * @param id for {@link Kind#ARTIFACT_ID} and {@link Kind#COLLECTION_ID}
 * @param collectionName for {@link Kind#COLLECTION}
 * @param category for {@link Kind#COLLECTION} and {@link Kind#SINGLETON}
 * @param segments item selectors, in order (only one level is supported)
 */
public record Lookup(
    Kind kind, long id, String collectionName, String category, List<Segment> segments) {

  /** What the head of a lookup names. */
  public enum Kind {
    ARTIFACT_ID,
    COLLECTION_ID,
    INTERNAL,
    SINGLETON,
    COLLECTION
  }

  /**
   * One item selector.
   *
   * @param name for {@code name:}: the item name, else null
   * @param match for {@code match:}: the data that must match, else empty
   */
  public record Segment(String name, Map<String, String> match) {}

  private static final Pattern ID = Pattern.compile("[0-9]{1,18}");

  /**
   * Parses a string lookup.
   *
   * @param field the request field it came from, named in errors
   * @param defaultCategory the category a bare collection name means, or null
   * @throws ApiException INVALID_INPUT naming the field when the lookup is malformed
   */
  public static Lookup parse(String field, String lookup, String defaultCategory) {
    if (lookup == null || lookup.isBlank()) {
      throw ApiException.invalidField(field, "a lookup must not be empty");
    }
    String[] parts = lookup.split("/", -1);
    String head = parts[0];
    List<Segment> segments = new ArrayList<>();
    for (int i = 1; i < parts.length; i++) {
      segments.add(segment(field, lookup, parts[i]));
    }
    if (segments.size() > 1) {
      throw ApiException.invalidField(
          field, "'" + lookup + "': only one item segment after the collection is supported");
    }
    int at = head.lastIndexOf('@');
    if (at < 0) {
      if (defaultCategory == null) {
        throw ApiException.invalidField(
            field, "'" + lookup + "' names no category: write NAME@CATEGORY");
      }
      return new Lookup(
          Kind.COLLECTION, 0, nonEmpty(field, lookup, head), defaultCategory, segments);
    }
    String name = head.substring(0, at);
    String category = head.substring(at + 1);
    if (category.equals("artifacts")) {
      if (!ID.matcher(name).matches()) {
        throw ApiException.invalidField(
            field, "'" + lookup + "': NNN@artifacts takes a numeric id");
      }
      if (!segments.isEmpty()) {
        throw ApiException.invalidField(field, "'" + lookup + "': an artifact has no items");
      }
      return new Lookup(Kind.ARTIFACT_ID, Long.parseLong(name), null, null, segments);
    }
    if (category.equals("collections")) {
      if (name.equals("internal")) {
        return new Lookup(Kind.INTERNAL, 0, null, CollectionCategories.WORKFLOW_INTERNAL, segments);
      }
      if (!ID.matcher(name).matches()) {
        throw ApiException.invalidField(
            field, "'" + lookup + "': NNN@collections takes a numeric id (or internal)");
      }
      return new Lookup(Kind.COLLECTION_ID, Long.parseLong(name), null, null, segments);
    }
    if (!CollectionCategories.ALL.contains(category)) {
      throw ApiException.invalidField(
          field, "'" + lookup + "': unknown collection category '" + category + "'");
    }
    if (name.equals("_")) {
      return new Lookup(Kind.SINGLETON, 0, "_", category, segments);
    }
    return new Lookup(Kind.COLLECTION, 0, nonEmpty(field, lookup, name), category, segments);
  }

  private static Segment segment(String field, String lookup, String text) {
    if (text.isEmpty()) {
      throw ApiException.invalidField(field, "'" + lookup + "': empty segment");
    }
    int colon = text.indexOf(':');
    if (colon < 0) {
      return new Segment(text, Map.of());
    }
    String type = text.substring(0, colon);
    String rest = text.substring(colon + 1);
    switch (type) {
      case "name":
        return new Segment(nonEmpty(field, lookup, rest), Map.of());
      case "match":
        Map<String, String> match = new LinkedHashMap<>();
        for (String pair : rest.split(":", -1)) {
          int eq = pair.indexOf('=');
          if (eq <= 0) {
            throw ApiException.invalidField(
                field, "'" + lookup + "': match takes key=value pairs separated by ':'");
          }
          match.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return new Segment(null, match);
      default:
        throw ApiException.invalidField(
            field, "'" + lookup + "': unknown segment type '" + type + "' (use name: or match:)");
    }
  }

  private static String nonEmpty(String field, String lookup, String name) {
    if (name.isEmpty()) {
      throw ApiException.invalidField(field, "'" + lookup + "': empty name");
    }
    return name;
  }
}
