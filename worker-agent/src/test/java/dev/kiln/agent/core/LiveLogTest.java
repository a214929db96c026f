package dev.kiln.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.agent.testing.Await;
import dev.kiln.api.scheduler.v1.AgentMessage;
import dev.kiln.api.scheduler.v1.LogLines;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent side of live logs: a log file followed while it grows, in bounded batches. */
class LiveLogTest {

  static final LiveLogSettings SMALL =
      new LiveLogSettings(
          Duration.ofMillis(10), 10, 200, 16, 2, Duration.ofSeconds(30), Duration.ofSeconds(5));

  @TempDir Path dir;
  final List<LogLines> sent = new CopyOnWriteArrayList<>();
  final AtomicBoolean ready = new AtomicBoolean(true);
  LiveLog live;

  LiveLog start(LiveLogSettings settings) {
    live =
        new LiveLog(
            settings,
            (AgentMessage m) -> {
              if (!ready.get()) {
                return false;
              }
              sent.add(m.getLogLines());
              return true;
            });
    return live;
  }

  @AfterEach
  void stop() {
    if (live != null) {
      live.close();
    }
  }

  void append(Path file, String text) throws Exception {
    Files.writeString(
        file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  List<String> lines() {
    List<String> all = new ArrayList<>();
    long next = 0;
    for (LogLines b : sent) {
      assertEquals(next, b.getFirstLine(), "batches follow each other without gap or overlap");
      all.addAll(b.getLinesList());
      next += b.getLinesCount();
    }
    return all;
  }

  @Test
  void linesAreSentWhileTheFileGrowsAndALastLineWithoutEndAtTheFinish() throws Exception {
    Path log = dir.resolve("task.log");
    LiveLog.Follower f = start(SMALL).follow(5, 2, "worker/test", log);
    Thread.sleep(50); // no file yet: nothing, no failure
    append(log, "one\ntw");
    Await.until("the first line", () -> lines().equals(List.of("one")));
    append(log, "o\r\nthree\n");
    Await.until("three lines", () -> lines().equals(List.of("one", "two", "three")));
    append(log, "tail without end");
    f.finish(true);
    assertEquals(List.of("one", "two", "three", "tail without end"), lines());
    assertTrue(sent.stream().allMatch(b -> b.getWorkRequestId() == 5 && b.getAttempt() == 2));
  }

  @Test
  void batchesAreBoundedAndLongLinesCut() throws Exception {
    Path log = dir.resolve("task.log");
    StringBuilder text = new StringBuilder();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 95; i++) {
      text.append("line ").append(i).append('\n');
      expected.add("line " + i);
    }
    text.append("x".repeat(40)).append('\n');
    expected.addAll(List.of("x".repeat(16), "x".repeat(16), "x".repeat(8)));
    append(log, text.toString());
    LiveLog.Follower f = start(SMALL).follow(1, 1, "worker/test", log);
    f.finish(true);
    assertEquals(expected, lines());
    for (LogLines b : sent) {
      assertTrue(b.getLinesCount() <= 10, "at most 10 lines a batch: " + b.getLinesCount());
      int bytes = b.getLinesList().stream().mapToInt(l -> l.length() + 1).sum();
      assertTrue(bytes <= 200 + 17, "about 200 bytes a batch at most: " + bytes);
    }
  }

  @Test
  void aStreamThatIsNotReadyHoldsTheLinesBackWithoutLosingAny() throws Exception {
    Path log = dir.resolve("task.log");
    ready.set(false);
    LiveLog.Follower f = start(SMALL).follow(1, 1, "worker/test", log);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 500; i++) {
      text.append(i).append('\n');
    }
    append(log, text.toString());
    Thread.sleep(100);
    assertTrue(sent.isEmpty());
    ready.set(true);
    Await.until("every line", () -> lines().size() == 500);
    f.finish(true);
    List<String> got = lines();
    for (int i = 0; i < 500; i++) {
      assertEquals(String.valueOf(i), got.get(i));
    }
  }

  @Test
  void anAbortedTaskSendsNothingMore() throws Exception {
    Path log = dir.resolve("task.log");
    LiveLog.Follower f = start(SMALL).follow(1, 1, "worker/test", log);
    append(log, "before\n");
    Await.until("the line", () -> lines().equals(List.of("before")));
    f.finish(false);
    append(log, "after\n");
    Thread.sleep(100);
    assertEquals(List.of("before"), lines());
  }
}
