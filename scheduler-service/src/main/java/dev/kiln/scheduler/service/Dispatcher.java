package dev.kiln.scheduler.service;

import dev.kiln.common.log.LogContext;
import dev.kiln.scheduler.config.SchedulerConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The dispatch loop: woken when work becomes available or an agent connects (and periodically as a
 * fallback), it fills every connected agent of this replica up to its capacity and pushes the
 * assignments on their streams.
 */
@ApplicationScoped
public class Dispatcher {

  private static final Logger LOG = Logger.getLogger(Dispatcher.class);

  @Inject AgentSessions sessions;
  @Inject DispatchService dispatch;
  @Inject SchedulerConfig config;

  private volatile WakeableLoop loop;

  void start(@Observes StartupEvent event) {
    loop = new WakeableLoop("kiln-dispatcher", config.dispatchInterval(), this::dispatchAll, LOG);
    loop.start();
  }

  void stop(@Observes ShutdownEvent event) {
    loop.stop();
  }

  /** Work became available (after the transaction that made it so committed). */
  void onWorkAvailable(
      @Observes(during = TransactionPhase.AFTER_SUCCESS) WorkRequestService.WorkAvailable event) {
    wakeUp();
  }

  public void wakeUp() {
    if (loop != null) {
      loop.wakeUp();
    }
  }

  void dispatchAll() {
    for (AgentChannel channel : sessions.all()) {
      while (true) {
        Optional<AssignmentView> next = dispatch.claimFor(channel.workerId());
        if (next.isEmpty()) {
          break;
        }
        AssignmentView a = next.get();
        try (LogContext ignored = LogContext.workRequest(a.workRequestId(), a.attempt())) {
          if (channel.push(a)) {
            LOG.infof(
                "assigned %s/%s to worker %d", a.taskType(), a.taskName(), channel.workerId());
          } else {
            LOG.warnf("worker %d went away before its assignment; released", channel.workerId());
            dispatch.release(a.workRequestId(), a.attempt(), channel.workerId());
            break;
          }
        }
      }
    }
  }
}
