package dev.kiln.artifact.domain;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * What a file path inside an artifact may be: relative, made of {@code /}-separated segments that
 * are neither empty, {@code .} nor {@code ..}, without backslashes, NUL or other control
 * characters, each segment at most {@value #MAX_SEGMENT_BYTES} bytes and the whole at most {@value
 * #MAX_PATH_BYTES} bytes of UTF-8. Such a path can be unpacked below any directory without leaving
 * it.
 */
public final class FilePaths {

  /** Longest segment, in bytes of UTF-8 (a file name on common file systems). */
  public static final int MAX_SEGMENT_BYTES = 255;

  /** Longest path, in bytes of UTF-8 (PATH_MAX on Linux). */
  public static final int MAX_PATH_BYTES = 4096;

  private FilePaths() {}

  /** Why the path is unsafe, or empty when it is safe. */
  public static Optional<String> problem(String path) {
    if (path == null || path.isEmpty()) {
      return Optional.of("must not be empty");
    }
    if (path.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
      return Optional.of("must be at most " + MAX_PATH_BYTES + " bytes long");
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '\\') {
        return Optional.of("must not contain backslashes");
      }
      if (Character.isISOControl(c)) {
        return Optional.of("must not contain NUL or other control characters");
      }
      if (Character.isSurrogate(c)) {
        boolean paired =
            Character.isHighSurrogate(c)
                && i + 1 < path.length()
                && Character.isLowSurrogate(path.charAt(i + 1));
        if (!paired) {
          return Optional.of("must be valid Unicode");
        }
        i++;
      }
    }
    if (path.startsWith("/")) {
      return Optional.of("must be relative, not start with '/'");
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty()) {
        return Optional.of("must not contain empty segments ('//' or a trailing '/')");
      }
      if (segment.equals(".") || segment.equals("..")) {
        return Optional.of("must not contain '.' or '..' segments");
      }
      if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
        return Optional.of("segments must be at most " + MAX_SEGMENT_BYTES + " bytes long");
      }
    }
    return Optional.empty();
  }

  public static boolean isSafe(String path) {
    return problem(path).isEmpty();
  }
}
