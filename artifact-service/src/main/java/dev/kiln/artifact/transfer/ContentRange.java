package dev.kiln.artifact.transfer;

import dev.kiln.common.problem.ApiException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code Content-Range} of an upload request: {@code bytes FIRST-LAST/SIZE} for a chunk, {@code
 * bytes * /SIZE} (without the space) for a probe that asks how much was received.
 *
 * @param first the offset of the chunk's first byte, or -1 for a probe
 * @param last the offset of the chunk's last byte, or -1 for a probe
 * @param size the size of the whole file
 */
public record ContentRange(long first, long last, long size) {

  /** The header's name. */
  public static final String HEADER = "Content-Range";

  private static final Pattern CHUNK = Pattern.compile("bytes (\\d{1,18})-(\\d{1,18})/(\\d{1,18})");
  private static final Pattern PROBE = Pattern.compile("bytes \\*/(\\d{1,18})");

  /** Whether this asks how much was received rather than sending bytes. */
  public boolean isProbe() {
    return first < 0;
  }

  /** How many bytes the chunk holds. */
  public long length() {
    return last - first + 1;
  }

  /**
   * Reads the header.
   *
   * @throws ApiException INVALID_INPUT naming the header when it is malformed
   */
  public static ContentRange parse(String header) {
    String value = header.trim();
    Matcher probe = PROBE.matcher(value);
    if (probe.matches()) {
      return new ContentRange(-1, -1, Long.parseLong(probe.group(1)));
    }
    Matcher chunk = CHUNK.matcher(value);
    if (!chunk.matches()) {
      throw ApiException.invalidField(
          HEADER, "must be 'bytes FIRST-LAST/SIZE' or 'bytes */SIZE', not '" + value + "'");
    }
    long first = Long.parseLong(chunk.group(1));
    long last = Long.parseLong(chunk.group(2));
    if (last < first) {
      throw ApiException.invalidField(HEADER, "the last byte comes before the first: " + value);
    }
    return new ContentRange(first, last, Long.parseLong(chunk.group(3)));
  }

  /**
   * The {@code Range} header value that tells a client which bytes were received, or null when none
   * were.
   */
  public static String receivedRange(long received) {
    return received > 0 ? "bytes=0-" + (received - 1) : null;
  }
}
