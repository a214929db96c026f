package dev.kiln.artifact.domain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HashingPipelineTest {

  private final ExecutorService writers = Executors.newCachedThreadPool();
  private final ExecutorService callers = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    writers.shutdownNow();
    callers.shutdownNow();
  }

  private static byte[] random(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  @Test
  void writesEveryByteInOrderAndHashesThem() throws Exception {
    byte[] content = random(1_000_003);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    MessageDigest digest = Sha256.newDigest();

    HashingPipeline.Result r =
        new HashingPipeline(writers, 10_000, 2)
            .copy(
                HashingPipeline.source(new ByteArrayInputStream(content), 4096),
                Channels.newChannel(out),
                content.length,
                digest);

    assertEquals(content.length, r.read());
    assertEquals(content.length, r.written());
    assertFalse(r.overrun());
    assertNull(r.readFailure());
    assertArrayEquals(content, out.toByteArray());
    assertArrayEquals(Sha256.newDigest().digest(content), digest.digest());
  }

  @Test
  void anEmptySourceWritesNothingAndHasTheEmptyHash() throws Exception {
    MessageDigest digest = Sha256.newDigest();
    HashingPipeline.Result r =
        new HashingPipeline(writers, 1024, 1)
            .copy(
                HashingPipeline.source(new ByteArrayInputStream(new byte[0]), 4096),
                Channels.newChannel(new ByteArrayOutputStream()),
                0,
                digest);
    assertEquals(0, r.written());
    assertEquals(Sha256.EMPTY, Sha256.finish(digest));
  }

  @Test
  void stopsAtTheChunkThatGoesPastTheLimitAndWritesWhatCameBefore() throws Exception {
    byte[] content = random(10_000);
    ByteArrayInputStream in = new ByteArrayInputStream(content);
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    HashingPipeline.Result r =
        new HashingPipeline(writers, 1000, 2)
            .copy(
                HashingPipeline.source(in, 1000),
                Channels.newChannel(out),
                2500,
                Sha256.newDigest());

    assertTrue(r.overrun());
    assertEquals(3000, r.read());
    assertEquals(2000, r.written());
    assertEquals(7000, in.available(), "the rest was not read");
    assertArrayEquals(java.util.Arrays.copyOf(content, 2000), out.toByteArray());
  }

  @Test
  void aSourceThatFailsStillHasWhatItGaveWritten() throws Exception {
    IOException broken = new IOException("connection reset");
    AtomicInteger calls = new AtomicInteger();
    HashingPipeline.Source source =
        () -> {
          if (calls.incrementAndGet() > 3) {
            throw broken;
          }
          return ByteBuffer.wrap(new byte[] {1, 2, 3});
        };
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    MessageDigest digest = Sha256.newDigest();

    HashingPipeline.Result r =
        new HashingPipeline(writers, 4, 1).copy(source, Channels.newChannel(out), 100, digest);

    assertSame(broken, r.readFailure());
    assertEquals(9, r.written());
    assertArrayEquals(new byte[] {1, 2, 3, 1, 2, 3, 1, 2, 3}, out.toByteArray());
    assertArrayEquals(Sha256.newDigest().digest(out.toByteArray()), digest.digest());
  }

  @Test
  void aFailedWriteStopsTheReadingAndIsThrown() throws Exception {
    AtomicLong taken = new AtomicLong();
    HashingPipeline.Source endless =
        () -> {
          taken.addAndGet(1000);
          return ByteBuffer.allocate(1000);
        };
    WritableByteChannel failing =
        new WritableByteChannel() {
          @Override
          public int write(ByteBuffer src) throws IOException {
            throw new IOException("No space left on device");
          }

          @Override
          public boolean isOpen() {
            return true;
          }

          @Override
          public void close() {}
        };

    IOException thrown =
        assertThrows(
            IOException.class,
            () ->
                new HashingPipeline(writers, 1000, 2)
                    .copy(endless, failing, Long.MAX_VALUE, Sha256.newDigest()));

    assertTrue(thrown.getMessage().contains("No space left on device"), thrown.getMessage());
    // the reader went on at most while the queue had room, then saw the failure
    assertTrue(taken.get() <= 5000, taken.get() + " bytes taken after the write failed");
  }

  @Test
  void aStalledWriterStopsTheReaderOnceTheQueueIsFull() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    WritableByteChannel stalled =
        new WritableByteChannel() {
          private final WritableByteChannel delegate = Channels.newChannel(out);

          @Override
          public int write(ByteBuffer src) throws IOException {
            try {
              release.await();
            } catch (InterruptedException e) {
              throw new IOException(e);
            }
            return delegate.write(src);
          }

          @Override
          public boolean isOpen() {
            return true;
          }

          @Override
          public void close() {}
        };
    byte[] content = random(100_000);
    AtomicLong taken = new AtomicLong();
    ByteArrayInputStream in = new ByteArrayInputStream(content);
    HashingPipeline.Source counting =
        () -> {
          ByteBuffer chunk = HashingPipeline.source(in, 100).next();
          if (chunk != null) {
            taken.addAndGet(chunk.remaining());
          }
          return chunk;
        };
    AtomicReference<Thread> caller = new AtomicReference<>();
    Future<HashingPipeline.Result> copy =
        callers.submit(
            () -> {
              caller.set(Thread.currentThread());
              return new HashingPipeline(writers, 1000, 2)
                  .copy(counting, stalled, content.length, Sha256.newDigest());
            });
    awaitWaitingIn(caller, "submit", copy);

    // two batches wait (one of them in the stalled write), a third is full and waits to be queued
    assertEquals(3000, taken.get());
    release.countDown();
    assertEquals(content.length, copy.get().written());
    assertArrayEquals(content, out.toByteArray());
  }

  @Test
  void anUnexpectedErrorOfTheReaderDropsWhatWaitsAndNothingIsWrittenAfterwards() throws Exception {
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicLong writes = new AtomicLong();
    WritableByteChannel stalled =
        new WritableByteChannel() {
          @Override
          public int write(ByteBuffer src) throws IOException {
            writing.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              throw new IOException(e);
            }
            writes.incrementAndGet();
            int n = src.remaining();
            src.position(src.limit());
            return n;
          }

          @Override
          public boolean isOpen() {
            return true;
          }

          @Override
          public void close() {}
        };
    AtomicInteger calls = new AtomicInteger();
    HashingPipeline.Source failing =
        () -> {
          int call = calls.incrementAndGet();
          if (call == 2) {
            try {
              writing.await(); // the first batch is in the stalled write
            } catch (InterruptedException e) {
              throw new IOException(e);
            }
          }
          if (call == 4) {
            throw new IllegalStateException("bug");
          }
          return ByteBuffer.allocate(10);
        };
    AtomicReference<Thread> caller = new AtomicReference<>();
    Future<HashingPipeline.Result> copy =
        callers.submit(
            () -> {
              caller.set(Thread.currentThread());
              return new HashingPipeline(writers, 10, 3).copy(failing, stalled, 1000, null);
            });

    // three batches were handed over, the first is in the stalled write: the reader fails and
    // waits for the writer to stop
    awaitWaitingIn(caller, "cancel", copy);
    release.countDown();

    ExecutionException failed = assertThrows(ExecutionException.class, copy::get);
    assertTrue(failed.getCause() instanceof IllegalStateException, failed.toString());
    assertEquals(1, writes.get(), "the batches that waited were dropped");
  }

  /** Waits until the thread is parked on a condition inside the named method of the pipeline. */
  private static void awaitWaitingIn(AtomicReference<Thread> thread, String method, Future<?> copy)
      throws InterruptedException {
    while (true) {
      assertFalse(copy.isDone(), "the copy ended before it waited in " + method);
      Thread t = thread.get();
      if (t != null && t.getState() == Thread.State.WAITING) {
        StackTraceElement[] stack = t.getStackTrace();
        boolean inMethod = false;
        boolean onCondition = false;
        for (StackTraceElement frame : stack) {
          inMethod |= frame.getMethodName().equals(method);
          onCondition |= frame.getMethodName().startsWith("await");
        }
        if (inMethod && onCondition) {
          return;
        }
      }
      Thread.sleep(1);
    }
  }
}
