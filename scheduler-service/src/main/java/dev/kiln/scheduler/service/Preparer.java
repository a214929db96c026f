package dev.kiln.scheduler.service;

import dev.kiln.scheduler.config.SchedulerConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
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

  private volatile WakeableLoop loop;

  void start(@Observes StartupEvent event) {
    loop = new WakeableLoop("kiln-preparer", config.preparationInterval(), this::drain, LOG);
    loop.start();
  }

  void stop(@Observes ShutdownEvent event) {
    loop.stop();
  }

  void onWorkAvailable(
      @Observes(during = TransactionPhase.AFTER_SUCCESS) WorkRequestService.WorkAvailable event) {
    wakeUp();
  }

  public void wakeUp() {
    if (loop != null) {
      loop.wakeUp();
    }
  }

  /** Batch after batch until a batch is not full (or only postponed requests are left). */
  private void drain() {
    while (true) {
      PreparationService.Pass pass = preparation.prepareNextBatch();
      if (pass.prepared() > 0) {
        dispatcher.wakeUp();
      }
      if (pass.taken() < config.preparationBatchSize() || pass.postponed() == pass.taken()) {
        return;
      }
    }
  }
}
