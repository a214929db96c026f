package dev.kiln.artifact.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Writes to a file and, every {@code flushEvery} bytes, has another thread make what was written so
 * far durable ({@code fdatasync}) while writing goes on, so that the disk works during the transfer
 * rather than all of it in the final {@code fsync}: a new page-cache-sized upload would otherwise
 * reach the disk only once it is complete. {@link #finish} waits for the flush in progress and
 * reports any flush that failed: a failed flush is never ignored, since the kernel reports a
 * write-back error to one {@code fsync} only. Writes come from one thread at a time.
 */
final class EarlyFlushChannel implements GatheringByteChannel {

  private final FileChannel file;
  private final Executor flushes;
  private final long flushEvery;
  private final Object lock = new Object();
  private long sinceFlush;
  private boolean flushing;
  private IOException failure;

  EarlyFlushChannel(FileChannel file, Executor flushes, long flushEvery) {
    this.file = file;
    this.flushes = flushes;
    this.flushEvery = flushEvery;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    return (int) wrote(file.write(src));
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    return wrote(file.write(srcs, offset, length));
  }

  @Override
  public long write(ByteBuffer[] srcs) throws IOException {
    return write(srcs, 0, srcs.length);
  }

  private long wrote(long n) throws IOException {
    sinceFlush += n;
    if (sinceFlush >= flushEvery) {
      synchronized (lock) {
        throwIfFailed();
        if (!flushing) {
          flushing = true;
          sinceFlush = 0;
          try {
            flushes.execute(this::flush);
          } catch (RejectedExecutionException e) {
            flushing = false; // shutting down: the final fsync does it all
          }
        }
      }
    }
    return n;
  }

  private void flush() {
    IOException failed = null;
    try {
      file.force(false);
    } catch (IOException e) {
      failed = e;
    }
    synchronized (lock) {
      if (failed != null && failure == null) {
        failure = failed;
      }
      flushing = false;
      lock.notifyAll();
    }
  }

  /** Waits for the flush in progress; throws when a flush failed. */
  void finish() throws IOException {
    synchronized (lock) {
      boolean interrupted = false;
      while (flushing) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      throwIfFailed();
    }
  }

  private void throwIfFailed() throws IOException {
    if (failure != null) {
      throw new IOException("making the upload durable failed: " + failure.getMessage(), failure);
    }
  }

  @Override
  public boolean isOpen() {
    return file.isOpen();
  }

  /** The file channel is closed by its owner, after {@link #finish}. */
  @Override
  public void close() {}
}
