package dev.kiln.scheduler.service;

import dev.kiln.scheduler.config.SchedulerConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The preparation loop: woken when work is created (and periodically, which picks up requests whose
 * lookups were postponed), it prepares pending work requests batch after batch and wakes the
 * dispatcher when some became dispatchable. Kept apart from the dispatch loop so that a slow lookup
 * call never delays assignments of work that is already prepared.
 */
@ApplicationScoped
public class Preparer {

  private static final Logger LOG = Logger.getLogger(Preparer.class);

  @Inject PreparationService preparation;
  @Inject Dispatcher dispatcher;
  @Inject SchedulerConfig config;

  private final Semaphore wake = new Semaphore(0);
  private volatile boolean running;

  void start(@Observes StartupEvent event) {
    running = true;
    Thread thread = new Thread(this::loop, "kiln-preparer");
    thread.setDaemon(true);
    thread.start();
  }

  void stop(@Observes ShutdownEvent event) {
    running = false;
    wake.release();
  }

  void onWorkAvailable(
      @Observes(during = TransactionPhase.AFTER_SUCCESS) WorkRequestService.WorkAvailable event) {
    wakeUp();
  }

  public void wakeUp() {
    if (wake.availablePermits() == 0) {
      wake.release();
    }
  }

  private void loop() {
    while (running) {
      try {
        wake.tryAcquire(config.preparationInterval().toMillis(), TimeUnit.MILLISECONDS);
        wake.drainPermits();
        while (running) {
          PreparationService.Pass pass = preparation.prepareNextBatch();
          if (pass.prepared() > 0) {
            dispatcher.wakeUp();
          }
          if (pass.taken() < config.preparationBatchSize() || pass.postponed() == pass.taken()) {
            break;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.error("preparation pass failed; retrying", e);
      }
    }
  }
}
