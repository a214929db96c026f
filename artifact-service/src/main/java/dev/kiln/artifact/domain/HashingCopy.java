package dev.kiln.artifact.domain;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;

/**
 * Copies a stream through a fixed buffer while computing its SHA-256 and size in the same pass, so
 * a file of any size is received without being held in memory.
 */
public final class HashingCopy {

  /** Size of the copy buffer. */
  public static final int BUFFER_SIZE = 64 * 1024;

  /**
   * What was received.
   *
   * @param size how many bytes were read: all of the stream, or the first ones past the limit
   * @param sha256 the SHA-256 of the whole stream, or null when it held more than the limit (the
   *     content is then not what was declared anyway)
   * @param written false when the stream held more than the limit; nothing past the limit is
   *     written
   */
  public record Received(long size, String sha256, boolean written) {}

  private HashingCopy() {}

  /**
   * Copies {@code in} to {@code out}, at most {@code limit} bytes: reading stops as soon as the
   * stream turns out to be longer, so an oversized body costs no more than the limit.
   */
  public static Received copy(InputStream in, OutputStream out, long limit) throws IOException {
    MessageDigest digest = Sha256.newDigest();
    byte[] buffer = new byte[BUFFER_SIZE];
    long total = 0;
    int n;
    while ((n = in.read(buffer)) != -1) {
      long room = limit - total;
      if (room > 0) {
        int keep = (int) Math.min(room, n);
        out.write(buffer, 0, keep);
        digest.update(buffer, 0, keep);
      }
      total += n;
      if (total > limit) {
        return new Received(total, null, false);
      }
    }
    return new Received(total, Sha256.finish(digest), true);
  }
}
