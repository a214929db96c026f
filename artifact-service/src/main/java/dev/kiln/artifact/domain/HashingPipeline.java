package dev.kiln.artifact.domain;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.WritableByteChannel;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Copies a stream of chunks to a channel on two threads, so that SHA-256 and the disk overlap: the
 * calling thread takes each chunk from the source and adds it to the digest in place (no copy), a
 * writer thread writes the chunks, gathered into batches of about {@code batchBytes}, with one
 * system call per batch. At most {@code maxBatches} batches wait for the writer; when they do, the
 * caller stops taking chunks, so the source's own back-pressure slows the sender down. A copy holds
 * at most {@code maxBatches + 1} batches (the one being written counts among the waiting ones, one
 * more is being filled), each of {@code batchBytes} plus at most one chunk.
 *
 * <p>An error on either side stops the other: a failed write makes {@link #copy} throw it before it
 * takes another chunk; a source that fails or overruns the limit stops the reading, and what was
 * read before is still written (a resumable upload keeps it); an unexpected error of the caller
 * drops what waits to be written. {@link #copy} returns or throws only once the writer is done, so
 * nothing is written to the channel afterwards.
 */
public final class HashingPipeline {

  /** A stream of byte chunks. */
  public interface Source {

    /**
     * The next chunk, or null at the end of the stream. The pipeline keeps the buffer (it reads it
     * from its position to its limit on another thread later): the source must not reuse it until
     * {@link #done} gives it back.
     */
    ByteBuffer next() throws IOException;

    /**
     * The pipeline no longer needs a chunk {@link #next} returned: it was written, or dropped.
     * Called once per chunk, on any thread, before {@link #copy} returns or throws; a source whose
     * buffers are pooled releases the chunk here. Nothing by default.
     */
    default void done(ByteBuffer chunk) {}
  }

  /**
   * What a copy did.
   *
   * @param read how many bytes were taken from the source, including those of a chunk that went
   *     past the limit
   * @param written how many bytes were hashed and written: all of them, or those before the chunk
   *     that went past the limit, or those before the source failed
   * @param overrun whether the source held more than the limit
   * @param readFailure why the source failed, or null
   */
  public record Result(long read, long written, boolean overrun, IOException readFailure) {}

  private final Executor writers;
  private final int batchBytes;
  private final int maxBatches;

  /**
   * A pipeline that runs its writers on {@code writers}: one task per copy, for the copy's whole
   * duration, so the executor must start it without waiting for another copy to end.
   */
  public HashingPipeline(Executor writers, int batchBytes, int maxBatches) {
    if (batchBytes <= 0 || maxBatches <= 0) {
      throw new IllegalArgumentException("batchBytes and maxBatches must be positive");
    }
    this.writers = writers;
    this.batchBytes = batchBytes;
    this.maxBatches = maxBatches;
  }

  /** Chunks of {@code chunkSize} bytes at most read from a stream, each in a new buffer. */
  public static Source source(InputStream in, int chunkSize) {
    return () -> {
      byte[] chunk = new byte[chunkSize];
      int n = in.readNBytes(chunk, 0, chunkSize);
      return n == 0 ? null : ByteBuffer.wrap(chunk, 0, n);
    };
  }

  /**
   * Copies at most {@code limit} bytes of {@code in} to {@code out}, adding each written byte to
   * {@code digest} (none when it is null). Taking chunks stops at the first one that goes past the
   * limit; it is neither hashed nor written.
   *
   * @throws IOException when writing failed (what the channel holds is then undefined)
   */
  public Result copy(Source in, WritableByteChannel out, long limit, MessageDigest digest)
      throws IOException {
    Writer writer = new Writer(in, out);
    writers.execute(writer);
    Copy copy = new Copy(in, writer, limit, digest);
    boolean finished = false;
    try {
      // the loop runs once per upload, so the JIT compiles the step it calls, not the loop: the
      // loop stays interpreted (an OSR compilation needs tens of thousands of iterations)
      while (copy.step()) {}
      copy.flush();
      writer.finish();
      finished = true;
      return new Result(copy.read, copy.written, copy.overrun, copy.readFailure);
    } finally {
      if (!finished) {
        writer.cancel();
      }
      giveBack(in, copy.batch); // a batch that never reached the writer
    }
  }

  /** The hashing side of one copy: takes, hashes and batches the chunks. */
  private final class Copy {

    private final Source in;
    private final Writer writer;
    private final long limit;
    private final MessageDigest digest;
    long read;
    long written;
    boolean overrun;
    IOException readFailure;
    List<ByteBuffer> batch = new ArrayList<>();
    private long batchSize;

    Copy(Source in, Writer writer, long limit, MessageDigest digest) {
      this.in = in;
      this.writer = writer;
      this.limit = limit;
      this.digest = digest;
    }

    /** Takes one chunk; false at the end of the source, at a read failure or past the limit. */
    boolean step() throws IOException {
      writer.throwIfFailed();
      ByteBuffer chunk;
      try {
        chunk = in.next();
      } catch (IOException e) {
        readFailure = e;
        return false;
      }
      if (chunk == null) {
        return false;
      }
      int n = chunk.remaining();
      read += n;
      if (read > limit) {
        in.done(chunk);
        overrun = true;
        return false;
      }
      if (n == 0) {
        in.done(chunk);
        return true;
      }
      if (digest != null) {
        digest.update(chunk.duplicate());
      }
      written += n;
      batch.add(chunk);
      batchSize += n;
      if (batchSize >= batchBytes) {
        flush();
      }
      return true;
    }

    /** Hands the batch being filled to the writer. */
    void flush() throws IOException {
      if (batch.isEmpty()) {
        return;
      }
      List<ByteBuffer> full = batch;
      batch = new ArrayList<>();
      batchSize = 0;
      writer.submit(full);
    }
  }

  /** Gives the chunks of a batch back to their source. */
  private static void giveBack(Source in, List<ByteBuffer> batch) {
    for (ByteBuffer chunk : batch) {
      in.done(chunk);
    }
    batch.clear();
  }

  /** Writes the submitted batches in order, on its own thread. */
  private final class Writer implements Runnable {

    private final Source in;
    private final WritableByteChannel out;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<List<ByteBuffer>> queue = new ArrayDeque<>();
    private boolean ended;
    private boolean cancelled;
    private boolean done;
    private Throwable failure;

    Writer(Source in, WritableByteChannel out) {
      this.in = in;
      this.out = out;
    }

    /** Writes the next batch; false when there is none left to write. */
    private boolean writeNext() throws IOException {
      List<ByteBuffer> batch;
      lock.lock();
      try {
        while (queue.isEmpty() && !ended && !cancelled) {
          changed.awaitUninterruptibly();
        }
        if (cancelled || queue.isEmpty()) {
          return false;
        }
        batch = queue.peek();
      } finally {
        lock.unlock();
      }
      try {
        write(batch);
      } finally {
        lock.lock();
        try {
          queue.poll(); // the batch written: only this thread takes from the queue
          giveBack(in, batch);
          changed.signalAll();
        } finally {
          lock.unlock();
        }
      }
      return true;
    }

    /** Gives back the chunks of every batch still queued and empties the queue; under the lock. */
    private void dropQueued() {
      for (List<ByteBuffer> batch : queue) {
        giveBack(in, batch);
      }
      queue.clear();
    }

    @Override
    public void run() {
      try {
        // as in copy: the loop runs once per upload, the JIT compiles the step
        while (writeNext()) {}
      } catch (Throwable t) {
        lock.lock();
        try {
          failure = t;
          dropQueued();
        } finally {
          lock.unlock();
        }
      } finally {
        lock.lock();
        try {
          dropQueued(); // cancelled: what was still queued is not written
          done = true;
          changed.signalAll();
        } finally {
          lock.unlock();
        }
      }
    }

    private void write(List<ByteBuffer> batch) throws IOException {
      ByteBuffer[] buffers = batch.toArray(new ByteBuffer[0]);
      if (out instanceof GatheringByteChannel gathering) {
        int first = 0;
        while (first < buffers.length) {
          gathering.write(buffers, first, buffers.length - first);
          while (first < buffers.length && !buffers[first].hasRemaining()) {
            first++;
          }
        }
      } else {
        for (ByteBuffer buffer : buffers) {
          while (buffer.hasRemaining()) {
            out.write(buffer);
          }
        }
      }
    }

    /** Hands a batch to the writer, waiting while {@code maxBatches} wait already. */
    void submit(List<ByteBuffer> batch) throws IOException {
      lock.lock();
      try {
        while (queue.size() >= maxBatches && failure == null && !done) {
          changed.await();
        }
        if (failure != null || done) {
          giveBack(in, batch);
        }
        throwIfFailedLocked();
        if (done) {
          throw new IllegalStateException("the writer ended early");
        }
        queue.add(batch);
        changed.signalAll();
      } catch (InterruptedException e) {
        giveBack(in, batch);
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for the writer");
      } finally {
        lock.unlock();
      }
    }

    void throwIfFailed() throws IOException {
      lock.lock();
      try {
        throwIfFailedLocked();
      } finally {
        lock.unlock();
      }
    }

    private void throwIfFailedLocked() throws IOException {
      if (failure instanceof IOException e) {
        throw new IOException("writing failed: " + e.getMessage(), e);
      }
      if (failure instanceof RuntimeException e) {
        throw e;
      }
      if (failure instanceof Error e) {
        throw e;
      }
    }

    /** Waits until everything submitted is written. */
    void finish() throws IOException {
      lock.lock();
      try {
        ended = true;
        changed.signalAll();
        while (!done) {
          changed.awaitUninterruptibly();
        }
        throwIfFailedLocked();
      } finally {
        lock.unlock();
      }
    }

    /** Drops what waits to be written and waits until the writer stops. */
    void cancel() {
      lock.lock();
      try {
        cancelled = true;
        changed.signalAll();
        while (!done) {
          changed.awaitUninterruptibly();
        }
      } finally {
        lock.unlock();
      }
    }
  }
}
