package dev.kiln.agent.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void waitsDoubleWithJitterUpToTheMaximumAndStartOverAfterReset() {
    Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(10));
    long[] ceilings = {500, 1000, 2000, 4000, 8000, 10000, 10000};
    for (long ceiling : ceilings) {
      long wait = backoff.nextMillis();
      assertTrue(
          wait >= ceiling / 2 && wait <= ceiling,
          wait + " not in [" + ceiling / 2 + ", " + ceiling + "]");
    }
    backoff.reset();
    assertTrue(backoff.nextMillis() <= 500);
  }
}
