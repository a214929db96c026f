package dev.kiln.agent.core;

import java.time.Duration;

/**
 * How the agent streams the logs of running tasks.
 *
 * @param pollInterval how often a running task's log file is read for new lines
 * @param maxBatchLines lines in one batch at most
 * @param maxBatchBytes bytes of lines in one batch at most (a batch holds at least one line)
 * @param maxLineBytes a longer line is cut (the rest of it becomes the next lines)
 * @param batchesPerPoll batches sent per attempt and poll at most (a rate bound)
 * @param progressInterval how often a progress line goes to the agent's own log
 * @param flushTimeout how long the end of a task waits for its last lines to be sent
 */
public record LiveLogSettings(
    Duration pollInterval,
    int maxBatchLines,
    int maxBatchBytes,
    int maxLineBytes,
    int batchesPerPoll,
    Duration progressInterval,
    Duration flushTimeout) {

  /** 4 polls a second, batches of up to 500 lines or 64 KiB, a progress line every 30 s. */
  public static final LiveLogSettings DEFAULTS =
      new LiveLogSettings(
          Duration.ofMillis(250),
          500,
          64 * 1024,
          8 * 1024,
          4,
          Duration.ofSeconds(30),
          Duration.ofSeconds(5));

  public LiveLogSettings {
    if (maxBatchLines < 1 || maxBatchBytes < 1 || maxLineBytes < 1 || batchesPerPoll < 1) {
      throw new IllegalArgumentException("live log bounds must be positive");
    }
  }
}
