package dev.kiln.scheduler.service;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * A daemon thread that runs a pass each time it is woken, and every {@code period} when nothing
 * wakes it. Wake-ups during a pass coalesce into one more pass. A pass that throws is logged and
 * the loop goes on.
 */
final class WakeableLoop {

  private final String name;
  private final Duration period;
  private final Runnable pass;
  private final Logger log;
  private final Semaphore wake = new Semaphore(0);
  private volatile boolean running;

  WakeableLoop(String name, Duration period, Runnable pass, Logger log) {
    this.name = name;
    this.period = period;
    this.pass = pass;
    this.log = log;
  }

  void start() {
    running = true;
    Thread thread = new Thread(this::loop, name);
    thread.setDaemon(true);
    thread.start();
  }

  void stop() {
    running = false;
    wake.release();
  }

  void wakeUp() {
    if (wake.availablePermits() == 0) {
      wake.release();
    }
  }

  private void loop() {
    while (running) {
      try {
        wake.tryAcquire(period.toMillis(), TimeUnit.MILLISECONDS);
        wake.drainPermits();
        if (running) {
          pass.run();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        log.errorf(e, "%s pass failed; retrying", name);
      }
    }
  }
}
