package dev.kiln.artifact.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Writes files as a POSIX tar archive (ustar, with pax extended headers for paths or sizes that
 * ustar cannot hold), streaming each file's content through a fixed buffer: nothing is held in
 * memory but one header at a time. Its length is known beforehand ({@link #length}), so the archive
 * can be sent with a {@code Content-Length}.
 */
public final class TarStream {

  private static final int BLOCK = 512;

  /** Largest size the ustar size field holds (11 octal digits). */
  private static final long MAX_USTAR_SIZE = 077777777777L;

  /** A file of the archive. */
  public record Entry(String path, long size) {}

  /** Opens the content of an entry; the caller closes it. */
  @FunctionalInterface
  public interface Contents {
    InputStream open(Entry entry) throws IOException;
  }

  private TarStream() {}

  /** The exact length of the archive of these entries. */
  public static long length(List<Entry> entries, long mtime) {
    long total = 2L * BLOCK;
    for (Entry e : entries) {
      total += header(e, mtime).length + padded(e.size());
    }
    return total;
  }

  /**
   * Writes the archive: each entry's header and content, then the two zero blocks that end it.
   *
   * @throws IOException when a content cannot be read or is not of its entry's size
   */
  public static void write(List<Entry> entries, long mtime, Contents contents, OutputStream out)
      throws IOException {
    byte[] buffer = new byte[64 * 1024];
    for (Entry e : entries) {
      out.write(header(e, mtime));
      long copied = 0;
      try (InputStream in = contents.open(e)) {
        int n;
        while (copied < e.size()
            && (n = in.read(buffer, 0, (int) Math.min(buffer.length, e.size() - copied))) != -1) {
          out.write(buffer, 0, n);
          copied += n;
        }
      }
      if (copied != e.size()) {
        throw new IOException("'" + e.path() + "' has " + copied + " bytes instead of " + e.size());
      }
      out.write(new byte[(int) (padded(e.size()) - e.size())]);
    }
    out.write(new byte[2 * BLOCK]);
    out.flush();
  }

  private static long padded(long size) {
    return (size + BLOCK - 1) / BLOCK * BLOCK;
  }

  /** The header blocks of an entry: a pax header when ustar cannot say it, then the ustar one. */
  static byte[] header(Entry e, long mtime) {
    byte[] path = e.path().getBytes(StandardCharsets.UTF_8);
    byte[] name = path;
    byte[] prefix = new byte[0];
    StringBuilder pax = new StringBuilder();
    if (path.length > 100) {
      int split = splitPoint(path);
      if (split < 0) {
        pax.append(paxRecord("path", e.path()));
        name = Arrays.copyOf(path, 100); // ignored by pax readers, a hint for the others
      } else {
        prefix = Arrays.copyOfRange(path, 0, split);
        name = Arrays.copyOfRange(path, split + 1, path.length);
      }
    }
    long size = e.size();
    if (size > MAX_USTAR_SIZE) {
      pax.append(paxRecord("size", Long.toString(size)));
      size = 0;
    }
    byte[] ustar = block(name, prefix, size, mtime, '0');
    if (pax.isEmpty()) {
      return ustar;
    }
    byte[] data = pax.toString().getBytes(StandardCharsets.UTF_8);
    byte[] paxHeader =
        block(
            "././@PaxHeader".getBytes(StandardCharsets.US_ASCII),
            new byte[0],
            data.length,
            mtime,
            'x');
    byte[] all = new byte[BLOCK + (int) padded(data.length) + BLOCK];
    System.arraycopy(paxHeader, 0, all, 0, BLOCK);
    System.arraycopy(data, 0, all, BLOCK, data.length);
    System.arraycopy(ustar, 0, all, all.length - BLOCK, BLOCK);
    return all;
  }

  /** Where to split a long path into prefix (at most 155 bytes) and name (at most 100), or -1. */
  private static int splitPoint(byte[] path) {
    for (int i = Math.max(0, path.length - 101); i < path.length - 1 && i <= 155; i++) {
      if (path[i] == '/' && i > 0) {
        return i;
      }
    }
    return -1;
  }

  /** A pax record {@code "LEN key=value\n"}, whose length counts its own digits. */
  private static String paxRecord(String key, String value) {
    int body = (" " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8).length;
    int length = body + String.valueOf(body).length();
    if (String.valueOf(length).length() != String.valueOf(body).length()) {
      length = body + String.valueOf(length).length();
    }
    return length + " " + key + "=" + value + "\n";
  }

  private static byte[] block(byte[] name, byte[] prefix, long size, long mtime, char type) {
    byte[] b = new byte[BLOCK];
    System.arraycopy(name, 0, b, 0, name.length);
    octal(b, 100, 8, 0644);
    octal(b, 108, 8, 0);
    octal(b, 116, 8, 0);
    octal(b, 124, 12, size);
    octal(b, 136, 12, Math.max(0, Math.min(mtime, MAX_USTAR_SIZE)));
    Arrays.fill(b, 148, 156, (byte) ' ');
    b[156] = (byte) type;
    System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, b, 257, 6);
    b[263] = '0';
    b[264] = '0';
    System.arraycopy(prefix, 0, b, 345, prefix.length);
    long sum = 0;
    for (byte x : b) {
      sum += x & 0xff;
    }
    octal(b, 148, 7, sum);
    b[155] = ' ';
    return b;
  }

  /** Writes {@code value} as zero-padded octal digits and a NUL into {@code length} bytes. */
  private static void octal(byte[] b, int offset, int length, long value) {
    String digits = Long.toOctalString(value);
    int width = length - 1;
    String padded = "0".repeat(Math.max(0, width - digits.length())) + digits;
    System.arraycopy(padded.getBytes(StandardCharsets.US_ASCII), 0, b, offset, width);
    b[offset + width] = 0;
  }
}
