package dev.kiln.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * The benchmark's HTTP/1.1 client for one file, one request per connection: an upload sends the
 * file from the page cache to the socket with {@code sendfile} ({@link FileChannel#transferTo}), a
 * download reads the body into a 256 KiB direct buffer and writes it to the file, flushing what it
 * wrote every 32 MiB on another thread meanwhile (as the service does with an upload), then fsyncs
 * it, so the copy is on disk when it returns. curl writes what it receives in 16 KiB pieces and
 * spends more CPU on a download than the service does; this client copies no byte in user space, so
 * what the benchmark times is the service. It speaks only what the benchmark needs: a {@code
 * Content-Length} answer (no chunked encoding), no TLS, no redirects.
 */
final class FileHttpClient {

  // small enough to stay in the CPU's cache between the socket read and the file write: with 4 MiB
  // the second copy read from memory (1 GiB download: client CPU 1.26 → 0.89 s/GiB, download+sync
  // 752 → 999 MiB/s in back-to-back runs)
  private static final int BUFFER = 256 << 10;

  /** How many bytes of a download are written between two background flushes of the copy. */
  private static final long FLUSH_EVERY = 32L << 20;

  private final String host;
  private final int port;
  private final String authorization;
  private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);

  FileHttpClient(URI base, String authorization) {
    this.host = base.getHost();
    this.port = base.getPort();
    this.authorization = authorization;
  }

  /** PUTs the whole file to {@code path}; fails unless the answer is 2xx. */
  void upload(String path, Path file) throws IOException {
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
        SocketChannel socket = connect()) {
      long size = in.size();
      writeAll(
          socket,
          "PUT "
              + path
              + " HTTP/1.1\r\nHost: "
              + host
              + "\r\nAuthorization: "
              + authorization
              + "\r\nContent-Type: application/octet-stream\r\nContent-Length: "
              + size
              + "\r\nConnection: close\r\n\r\n");
      long sent = 0;
      while (sent < size) {
        sent += in.transferTo(sent, size - sent, socket);
      }
      Head head = readHead(socket);
      if (head.status / 100 != 2) {
        throw new IOException("PUT " + path + ": HTTP " + head.status);
      }
    }
  }

  /**
   * GETs {@code path} into {@code file}, fsynced; returns the {@link System#nanoTime} at which the
   * last byte was written, before the fsync.
   */
  long download(String path, Path file) throws IOException {
    try (SocketChannel socket = connect();
        FileChannel out =
            FileChannel.open(
                file,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
      writeAll(
          socket,
          "GET "
              + path
              + " HTTP/1.1\r\nHost: "
              + host
              + "\r\nAuthorization: "
              + authorization
              + "\r\nConnection: close\r\n\r\n");
      Head head = readHead(socket);
      if (head.status != 200) {
        throw new IOException("GET " + path + ": HTTP " + head.status);
      }
      if (head.contentLength < 0) {
        throw new IOException("GET " + path + ": no Content-Length");
      }
      long received = 0;
      long sinceFlush = 0;
      EarlyFlush flush = new EarlyFlush(out);
      try {
        // the buffer holds what followed the headers already
        while (true) {
          buffer.flip();
          int n = buffer.remaining();
          received += n;
          sinceFlush += n;
          while (buffer.hasRemaining()) {
            out.write(buffer);
          }
          buffer.clear();
          if (sinceFlush >= FLUSH_EVERY && flush.start()) {
            sinceFlush = 0;
          }
          if (received >= head.contentLength) {
            break;
          }
          if (socket.read(buffer) < 0) {
            break;
          }
        }
      } finally {
        flush.await();
      }
      long written = System.nanoTime();
      if (received != head.contentLength) {
        throw new IOException(
            "GET " + path + ": " + received + " of " + head.contentLength + " bytes");
      }
      flush.throwIfFailed();
      out.force(true);
      return written;
    }
  }

  /**
   * Flushes ({@code fdatasync}) what was written of the downloaded copy so far on another thread
   * while the download goes on, one flush at a time, so that the disk works during the transfer and
   * the final fsync waits for the last bytes only: what the artifact service does with an upload
   * ({@code EarlyFlushChannel}). A failed flush fails the download.
   */
  private static final class EarlyFlush {

    private final FileChannel file;
    private Thread running;
    private volatile IOException failure;

    EarlyFlush(FileChannel file) {
      this.file = file;
    }

    /** Starts a flush unless one is still running; true when it started one. */
    boolean start() throws IOException {
      if (running != null) {
        if (running.isAlive()) {
          return false;
        }
        await();
      }
      throwIfFailed();
      running =
          new Thread(
              () -> {
                try {
                  file.force(false);
                } catch (IOException e) {
                  failure = e;
                }
              },
              "download-flush");
      running.setDaemon(true);
      running.start();
      return true;
    }

    void await() {
      if (running == null) {
        return;
      }
      boolean interrupted = false;
      while (true) {
        try {
          running.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      running = null;
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }

    void throwIfFailed() throws IOException {
      if (failure != null) {
        throw new IOException("flushing the downloaded copy failed", failure);
      }
    }
  }

  private SocketChannel connect() throws IOException {
    SocketChannel socket = SocketChannel.open(new InetSocketAddress(host, port));
    socket.socket().setTcpNoDelay(true);
    buffer.clear();
    return socket;
  }

  private static void writeAll(SocketChannel socket, String text) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    while (bytes.hasRemaining()) {
      socket.write(bytes);
    }
  }

  private record Head(int status, long contentLength) {}

  /**
   * Reads the status line and headers into the buffer; leaves the buffer in write mode holding the
   * body bytes that came with them.
   */
  private Head readHead(SocketChannel socket) throws IOException {
    buffer.clear();
    int end;
    while ((end = headEnd()) < 0) {
      if (!buffer.hasRemaining() || socket.read(buffer) < 0) {
        throw new IOException("no complete HTTP response head");
      }
    }
    byte[] headBytes = new byte[end];
    buffer.flip();
    buffer.get(headBytes);
    buffer.position(buffer.position() + 4); // the blank line
    buffer.compact();
    String[] lines = new String(headBytes, StandardCharsets.ISO_8859_1).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    long length = -1;
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0
          && lines[i]
              .substring(0, colon)
              .trim()
              .toLowerCase(Locale.ROOT)
              .equals("content-length")) {
        length = Long.parseLong(lines[i].substring(colon + 1).trim());
      }
    }
    return new Head(status, length);
  }

  /** Where {@code \r\n\r\n} starts in what the buffer received so far, or -1. */
  private int headEnd() {
    for (int i = 0; i + 3 < buffer.position(); i++) {
      if (buffer.get(i) == '\r'
          && buffer.get(i + 1) == '\n'
          && buffer.get(i + 2) == '\r'
          && buffer.get(i + 3) == '\n') {
        return i;
      }
    }
    return -1;
  }
}
