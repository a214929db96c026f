package dev.kiln.artifact.transfer;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One range of bytes of a download, from a {@code Range} header (RFC 9110, section 14): {@code
 * bytes=A-B}, {@code bytes=A-} or {@code bytes=-N}.
 *
 * @param first the offset of the first byte
 * @param last the offset of the last byte (inclusive)
 */
public record ByteRange(long first, long last) {

  private static final Pattern SPEC = Pattern.compile("bytes=(\\d{0,18})-(\\d{0,18})");

  /** What a {@code Range} header asks of a representation of a given size. */
  public sealed interface Request {}

  /** No range (no header, several ranges, or a header that is not understood): send everything. */
  public record Whole() implements Request {}

  /** A satisfiable range: 206. */
  public record Part(ByteRange range) implements Request {}

  /** A range that selects no byte of the representation: 416. */
  public record Unsatisfiable() implements Request {}

  /** How many bytes the range holds. */
  public long length() {
    return last - first + 1;
  }

  /** The {@code Content-Range} of a 206 answer. */
  public String contentRange(long size) {
    return "bytes " + first + "-" + last + "/" + size;
  }

  /** The {@code Content-Range} of a 416 answer. */
  public static String unsatisfiedContentRange(long size) {
    return "bytes */" + size;
  }

  /**
   * Reads a {@code Range} header against a representation of {@code size} bytes. Headers that are
   * malformed or ask for several ranges are ignored, as RFC 9110 allows: the whole content is sent.
   */
  public static Request parse(String header, long size) {
    if (header == null) {
      return new Whole();
    }
    Matcher m = SPEC.matcher(header.trim());
    if (!m.matches()) {
      return new Whole();
    }
    String a = m.group(1);
    String b = m.group(2);
    if (a.isEmpty()) {
      if (b.isEmpty()) {
        return new Whole();
      }
      long suffix = Long.parseLong(b);
      if (suffix == 0 || size == 0) {
        return new Unsatisfiable();
      }
      return new Part(new ByteRange(Math.max(0, size - suffix), size - 1));
    }
    long first = Long.parseLong(a);
    if (!b.isEmpty() && Long.parseLong(b) < first) {
      return new Whole(); // invalid: ignored
    }
    if (first >= size) {
      return new Unsatisfiable();
    }
    long last = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
    return new Part(new ByteRange(first, last));
  }
}
