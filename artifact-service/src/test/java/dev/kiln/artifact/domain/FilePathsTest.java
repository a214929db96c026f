package dev.kiln.artifact.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FilePathsTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "noop.log",
        "logs/build.log",
        "a/b/c/d.deb",
        "hello_1.0-1_amd64.changes",
        "..hidden",
        "a/.../b",
        ".config",
        "dir with spaces/ünïcödé €.txt",
        "emoji-\uD83D\uDE00.txt"
      })
  void safePathsAreAccepted(String path) {
    assertTrue(FilePaths.isSafe(path), () -> FilePaths.problem(path).orElse(""));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "..",
        "../etc/passwd",
        "a/../../b",
        "a/..",
        ".",
        "./a",
        "a/./b",
        "/etc/passwd",
        "/",
        "a//b",
        "a/",
        "a\\b",
        "..\\..\\windows",
        "a\u0000b",
        "a\nb",
        "tab\there",
        "del\u007f",
        "c1\u0085",
        "lone\uD800surrogate"
      })
  void unsafePathsAreRefused(String path) {
    assertFalse(FilePaths.isSafe(path), path);
  }

  @Test
  void segmentsAreLimitedTo255BytesOfUtf8() {
    assertTrue(FilePaths.isSafe("a".repeat(255)));
    assertFalse(FilePaths.isSafe("a".repeat(256)));
    // 128 two-byte characters: 128 characters but 256 bytes
    assertFalse(FilePaths.isSafe("é".repeat(128)));
    assertEquals(
        "segments must be at most 255 bytes long",
        FilePaths.problem("ok/" + "x".repeat(256)).orElseThrow());
  }

  @Test
  void pathsAreLimitedTo4096BytesOfUtf8() {
    // 15 segments of 255 bytes, one of 254, one of 1, and 16 slashes: 4096 bytes
    String path4096 = ("s".repeat(255) + "/").repeat(15) + "t".repeat(254) + "/x";
    assertEquals(4096, path4096.length());
    assertTrue(FilePaths.isSafe(path4096), () -> FilePaths.problem(path4096).orElse(""));
    assertEquals(
        "must be at most 4096 bytes long", FilePaths.problem(path4096 + "y").orElseThrow());
  }

  @Test
  void problemsSayWhatIsWrong() {
    assertEquals(
        "must not contain '.' or '..' segments", FilePaths.problem("a/../b").orElseThrow());
    assertEquals("must be relative, not start with '/'", FilePaths.problem("/a").orElseThrow());
    assertEquals("must not contain backslashes", FilePaths.problem("a\\b").orElseThrow());
    assertEquals(
        "must not contain NUL or other control characters",
        FilePaths.problem("a\u0000").orElseThrow());
  }
}
