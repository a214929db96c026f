package dev.kiln.scheduler.service;

import dev.kiln.common.auth.Tokens;
import dev.kiln.task.Tag;
import dev.kiln.task.server.TaskTags;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The canonical form of a work request's (required, provided) tags, stored once per distinct pair
 * in {@code work_request_tag_class}. Two work requests with equal tags, provenance included, get
 * the same fingerprint and so the same class.
 *
 * @param fingerprint SHA-256 of the canonical text (sorted {@code value provenance} lines)
 * @param requiredTags the required values, sorted and distinct (for SQL set operators)
 * @param providedTags the provided values, sorted and distinct
 * @param required the required tags with provenance, sorted
 * @param provided the provided tags with provenance, sorted
 */
record TagClassKey(
    String fingerprint,
    List<String> requiredTags,
    List<String> providedTags,
    List<Map<String, Object>> required,
    List<Map<String, Object>> provided) {

  static TagClassKey of(TaskTags tags) {
    StringBuilder canonical = new StringBuilder();
    for (Tag t : tags.required()) {
      canonical.append("required ").append(line(t)).append('\n');
    }
    for (Tag t : tags.provided()) {
      canonical.append("provided ").append(line(t)).append('\n');
    }
    return new TagClassKey(
        Tokens.hash(canonical.toString()),
        values(tags.required()),
        values(tags.provided()),
        json(tags.required()),
        json(tags.provided()));
  }

  private static String line(Tag t) {
    return t.value() + " " + provenance(t);
  }

  static String provenance(Tag t) {
    return t.provenance().name().toLowerCase(Locale.ROOT);
  }

  private static List<String> values(Iterable<Tag> tags) {
    TreeSet<String> out = new TreeSet<>();
    tags.forEach(t -> out.add(t.value()));
    return List.copyOf(out);
  }

  private static List<Map<String, Object>> json(Iterable<Tag> tags) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Tag t : tags) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("value", t.value());
      m.put("provenance", provenance(t));
      out.add(m);
    }
    return out;
  }
}
