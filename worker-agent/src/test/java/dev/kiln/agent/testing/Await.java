package dev.kiln.agent.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition, polling; fails after a generous limit (a hang guard, not a timing). */
public final class Await {

  public static final Duration LIMIT = Duration.ofSeconds(20);

  private Await() {}

  public static void until(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("never happened: " + what);
      }
      Thread.sleep(20);
    }
  }
}
