package dev.kiln.artifact.rest;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The body of a request as a blocking {@link InputStream} that holds at most about {@value
 * #HIGH_WATER_MARK} bytes in memory: the connection is paused while that much waits to be read and
 * resumed once the reader has caught up, so TCP flow control slows the client down to the pace of
 * the disk.
 *
 * <p>Quarkus REST's own {@code InputStream} entity kept accepting data while the reader lagged
 * behind (Quarkus 3.34.2: hundreds of MiB of received buffers during a 1 GiB upload, an
 * OutOfMemoryError with a 256 MiB heap), hence this class. It must be created on a worker thread,
 * from a resource method that has no entity parameter, so that nothing else consumes the body.
 * Pausing and resuming both happen on the event loop, in the order the {@code paused} flag records
 * them.
 *
 * <p>Besides the {@code InputStream} reads, which copy, {@link #next} hands out the received
 * buffers themselves: Vert.x gives each request handler a heap copy of the connection's pooled
 * buffers, so they are the reader's to keep.
 */
final class RequestBodyStream extends InputStream implements UploadBody {

  /** Pause the connection when this many bytes wait to be read. */
  static final int HIGH_WATER_MARK = 1 << 20;

  /** Resume it when no more than this many bytes wait. */
  static final int LOW_WATER_MARK = 256 << 10;

  private final HttpServerRequest request;
  private final Context context;
  private final long timeoutMillis;
  private final Object lock = new Object();
  private final ArrayDeque<Buffer> queue = new ArrayDeque<>();
  private boolean expectsContinue;
  private long queued;
  private boolean paused;
  private boolean resumeScheduled;
  private boolean ended;
  private Throwable failure;
  private boolean closed;

  private Buffer current;
  private int position;

  /**
   * Starts receiving the body.
   *
   * @param timeoutMillis how long a read waits for data before the connection is given up
   */
  RequestBodyStream(HttpServerRequest request, long timeoutMillis) {
    this.request = request;
    this.context = Vertx.currentContext();
    this.timeoutMillis = timeoutMillis;
    this.expectsContinue = "100-continue".equalsIgnoreCase(request.getHeader("Expect"));
    onEventLoop(
        () -> {
          request.pause();
          request.handler(this::onData);
          request.endHandler(ignored -> onEnd());
          request.exceptionHandler(this::onFailure);
          if (request.isEnded()) {
            onEnd();
          }
          request.resume();
        });
  }

  private void onData(Buffer buffer) {
    synchronized (lock) {
      if (closed) {
        return; // draining what the client still sends after the reader gave up
      }
      queue.add(buffer);
      queued += buffer.length();
      if (queued >= HIGH_WATER_MARK && !paused) {
        paused = true;
        request.pause();
      }
      lock.notifyAll();
    }
  }

  private void onEnd() {
    synchronized (lock) {
      ended = true;
      lock.notifyAll();
    }
  }

  private void onFailure(Throwable t) {
    synchronized (lock) {
      failure = t;
      lock.notifyAll();
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (current == null && !take()) {
      return -1;
    }
    int n = Math.min(len, current.length() - position);
    current.getBytes(position, position + n, b, off);
    position += n;
    if (position == current.length()) {
      current = null;
    }
    return n;
  }

  @Override
  public ByteBuffer next() throws IOException {
    if (current == null && !take()) {
      return null;
    }
    ByteBuffer chunk = current.getByteBuf().nioBuffer(position, current.length() - position);
    current = null;
    return chunk;
  }

  /** Takes the next buffer from the queue, waiting for one; false at the end of the body. */
  private boolean take() throws IOException {
    if (expectsContinue) {
      // the client waits for this before it sends the body: only now that it is wanted
      expectsContinue = false;
      onEventLoop(() -> request.response().writeContinue());
    }
    boolean scheduleResume = false;
    synchronized (lock) {
      long deadline = System.currentTimeMillis() + timeoutMillis;
      while (queue.isEmpty()) {
        if (closed) {
          throw new IOException("stream closed");
        }
        if (failure != null) {
          throw new IOException("the request body could not be read", failure);
        }
        if (ended) {
          return false;
        }
        long wait = deadline - System.currentTimeMillis();
        if (wait <= 0) {
          request.connection().close();
          throw new IOException("no data arrived for " + timeoutMillis + " ms");
        }
        try {
          lock.wait(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while reading the request body");
        }
      }
      current = queue.poll();
      position = 0;
      queued -= current.length();
      if (paused && queued <= LOW_WATER_MARK && !resumeScheduled) {
        resumeScheduled = true;
        scheduleResume = true;
      }
    }
    if (scheduleResume) {
      onEventLoop(this::resumeIfCaughtUp);
    }
    return true;
  }

  /**
   * Resumes the connection if the reader has caught up. Runs on the event loop, like {@link
   * #onData}, so pausing and resuming happen in the order the flag records.
   */
  private void resumeIfCaughtUp() {
    synchronized (lock) {
      resumeScheduled = false;
      if (!paused || (queued > LOW_WATER_MARK && !closed)) {
        return;
      }
      paused = false;
    }
    request.resume();
  }

  /** Stops buffering; whatever the client still sends is read and dropped. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      queue.clear();
      queued = 0;
      current = null;
      lock.notifyAll();
    }
    onEventLoop(this::resumeIfCaughtUp);
  }

  private void onEventLoop(Runnable action) {
    if (context == null || Context.isOnEventLoopThread()) {
      action.run();
    } else {
      context.runOnContext(ignored -> action.run());
    }
  }
}
