package dev.kiln.agent.core;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: the n-th wait is drawn from [d/2, d] where d starts at {@code
 * initial} and doubles up to {@code max}. Not thread-safe: one instance per retry loop.
 */
final class Backoff {

  private final long initialMs;
  private final long maxMs;
  private long currentMs;

  Backoff(Duration initial, Duration max) {
    this.initialMs = Math.max(1, initial.toMillis());
    this.maxMs = Math.max(initialMs, max.toMillis());
    this.currentMs = initialMs;
  }

  /** The next wait; each call doubles the one after it, up to the maximum. */
  long nextMillis() {
    long d = currentMs;
    currentMs = Math.min(maxMs, currentMs * 2);
    return d / 2 + ThreadLocalRandom.current().nextLong(d / 2 + 1);
  }

  /** Sleeps for the next wait. */
  void sleep() throws InterruptedException {
    Thread.sleep(nextMillis());
  }

  /** Starts over from the initial wait (after a success). */
  void reset() {
    currentMs = initialMs;
  }
}
