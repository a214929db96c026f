package dev.kiln.task;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A scheduling tag with its provenance. The value is a non-empty string without whitespace, by
 * convention {@code <namespace>:<rest>} (see {@link Tags} for the namespaces the task model uses).
 * Two tags are equal when value and provenance are.
 *
 * @param value the tag, e.g. {@code arch:amd64}, {@code executor:unshare}, {@code
 *     task:worker:sbuild:v1}
 * @param provenance who vouches for it
 */
public record Tag(String value, TagProvenance provenance) implements Comparable<Tag> {

  private static final Pattern VALUE = Pattern.compile("[^\\s:][^\\s]*");

  /** Checks the value is a well-formed tag. */
  public Tag {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(provenance, "provenance");
    if (!VALUE.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "a tag is a non-empty string without whitespace that does not start with ':': '"
              + value
              + "'");
    }
  }

  /** A tag with {@link TagProvenance#SYSTEM} provenance. */
  public static Tag system(String value) {
    return new Tag(value, TagProvenance.SYSTEM);
  }

  /** A tag with {@link TagProvenance#ADMIN} provenance. */
  public static Tag admin(String value) {
    return new Tag(value, TagProvenance.ADMIN);
  }

  /** A tag with {@link TagProvenance#WORKER} provenance. */
  public static Tag worker(String value) {
    return new Tag(value, TagProvenance.WORKER);
  }

  /** A tag with {@link TagProvenance#USER} provenance. */
  public static Tag user(String value) {
    return new Tag(value, TagProvenance.USER);
  }

  /** Orders by value, then provenance, for stable output. */
  @Override
  public int compareTo(Tag o) {
    int c = value.compareTo(o.value);
    return c != 0 ? c : provenance.compareTo(o.provenance);
  }

  @Override
  public String toString() {
    return value + "(" + provenance.name().toLowerCase(Locale.ROOT) + ")";
  }
}
