package dev.kiln.scheduler.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.SortedSet;
import java.util.TreeSet;

/** Sorted tag sets and their stable keys. */
final class CanonicalTags {

  private CanonicalTags() {}

  static SortedSet<String> copy(Collection<String> tags) {
    for (String t : tags) {
      if (t == null || t.isEmpty()) {
        throw new IllegalArgumentException("a tag value is a non-empty string");
      }
    }
    return Collections.unmodifiableSortedSet(new TreeSet<>(tags));
  }

  /**
   * SHA-256 of a length-prefixed encoding (kind, then each set as a count and each value as its
   * UTF-8 length and bytes), so no two different pairs of sets can share an encoding whatever
   * characters the tags hold.
   */
  static String key(String kind, SortedSet<String> first, SortedSet<String> second) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      field(md, kind);
      for (SortedSet<String> set : java.util.List.of(first, second)) {
        md.update(intBytes(set.size()));
        for (String t : set) {
          field(md, t);
        }
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static void field(MessageDigest md, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    md.update(intBytes(b.length));
    md.update(b);
  }

  private static byte[] intBytes(int v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }
}
