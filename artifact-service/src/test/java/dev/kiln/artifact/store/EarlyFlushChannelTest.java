package dev.kiln.artifact.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EarlyFlushChannelTest {

  @TempDir Path dir;

  /** Runs the submitted flushes only when the test says so. */
  private static final class ManualExecutor implements Executor {
    final ArrayDeque<Runnable> pending = new ArrayDeque<>();

    @Override
    public void execute(Runnable task) {
      pending.add(task);
    }

    void runAll() {
      while (!pending.isEmpty()) {
        pending.poll().run();
      }
    }
  }

  @Test
  void flushesEveryThresholdOnlyOneAtATimeAndWritesEverything() throws Exception {
    Path file = dir.resolve("upload");
    ManualExecutor flushes = new ManualExecutor();
    try (FileChannel fc =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      EarlyFlushChannel channel = new EarlyFlushChannel(fc, flushes, 10);

      channel.write(ByteBuffer.wrap(new byte[6]));
      assertEquals(0, flushes.pending.size(), "below the threshold");
      channel.write(new ByteBuffer[] {ByteBuffer.wrap(new byte[3]), ByteBuffer.wrap(new byte[3])});
      assertEquals(1, flushes.pending.size(), "12 bytes: one flush");
      channel.write(ByteBuffer.wrap(new byte[20]));
      assertEquals(1, flushes.pending.size(), "no second flush while one is in progress");

      flushes.runAll();
      channel.write(ByteBuffer.wrap(new byte[10]));
      assertEquals(1, flushes.pending.size(), "the next threshold after the flush ended");
      flushes.runAll();
      channel.finish();
    }
    assertArrayEquals(new byte[42], Files.readAllBytes(file));
  }

  @Test
  void aFailedFlushIsReportedByFinish() throws Exception {
    ManualExecutor flushes = new ManualExecutor();
    FileChannel fc =
        FileChannel.open(
            dir.resolve("upload"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    EarlyFlushChannel channel = new EarlyFlushChannel(fc, flushes, 1);
    channel.write(ByteBuffer.wrap(new byte[5]));
    fc.close(); // the flush's fdatasync now fails
    flushes.runAll();

    IOException atFinish = assertThrows(IOException.class, channel::finish);
    assertTrue(atFinish.getMessage().contains("durable"), atFinish.getMessage());
  }
}
