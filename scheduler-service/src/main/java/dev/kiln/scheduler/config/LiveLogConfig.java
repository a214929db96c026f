package dev.kiln.scheduler.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Live logs of running work requests ({@code kiln.scheduler.log.*}). */
@ConfigMapping(prefix = "kiln.scheduler.log")
public interface LiveLogConfig {

  /** At most this many lines are kept per work request; later ones are counted as dropped. */
  @WithDefault("100000")
  long maxLinesPerWorkRequest();

  /** At most this many bytes (UTF-8) of lines are kept per work request. */
  @WithDefault("33554432")
  long maxBytesPerWorkRequest();

  /** A longer line is cut to this many characters. */
  @WithDefault("8192")
  int maxLineLength();

  /** An agent's batch with more lines than this is refused (INVALID_ARGUMENT). */
  @WithDefault("1000")
  int maxBatchLines();

  /**
   * How many batches of one agent stream may wait to be stored; more are dropped (the gap shows as
   * a marker line), so a fast agent cannot fill the scheduler's memory.
   */
  @WithDefault("16")
  int maxPendingBatchesPerStream();

  /** The longest {@code wait} a follower may ask of {@code GET .../log}. */
  @WithDefault("60s")
  Duration maxWait();

  /** How often a waiting follower reads again when no agent on this replica wakes it. */
  @WithDefault("500ms")
  Duration pollInterval();
}
