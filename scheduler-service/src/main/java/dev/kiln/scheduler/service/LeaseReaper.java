package dev.kiln.scheduler.service;

import dev.kiln.common.log.LogContext;
import dev.kiln.scheduler.config.SchedulerConfig;
import dev.kiln.scheduler.domain.WorkRequestResult;
import dev.kiln.scheduler.domain.WorkRequestStatus;
import dev.kiln.scheduler.repository.WorkRequestEntity;
import dev.kiln.scheduler.repository.WorkRequestRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Returns to pending the work whose agent stopped heartbeating, at most {@code
 * max-automatic-retries} times; after that the work request ends with {@code error}.
 */
@ApplicationScoped
public class LeaseReaper {

  private static final Logger LOG = Logger.getLogger(LeaseReaper.class);

  @Inject WorkRequestRepository repository;
  @Inject WorkRequestEvents events;
  @Inject SchedulerConfig config;
  @Inject MeterRegistry registry;
  @Inject Dispatcher dispatcher;

  @Scheduled(
      every = "${kiln.scheduler.lease-check-interval:2s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void reap() {
    if (reapExpired(Instant.now()) > 0) {
      dispatcher.wakeUp();
    }
  }

  @Transactional
  int reapExpired(Instant now) {
    List<Long> requeued = repository.requeueExpiredLeases(now, config.maxAutomaticRetries());
    for (Long id : requeued) {
      try (LogContext ignored = LogContext.workRequest(id, null)) {
        LOG.warn("lease expired: back to pending for an automatic retry");
      }
    }
    List<WorkRequestEntity> exhausted =
        repository.expiredWithoutRetriesLeft(now, config.maxAutomaticRetries());
    for (WorkRequestEntity wr : exhausted) {
      wr.status = WorkRequestStatus.COMPLETED.wire();
      wr.result = WorkRequestResult.ERROR.wire();
      wr.completedAt = now;
      wr.leaseExpiresAt = null;
      wr.outputData =
          Map.of(
              "errors",
              List.of(
                  Map.of(
                      "code",
                      "worker-lost",
                      "message",
                      "the worker stopped heartbeating and the "
                          + config.maxAutomaticRetries()
                          + " automatic retries are used up")));
      events.completed(wr);
      try (LogContext ignored = LogContext.workRequest(wr.id, wr.attempt)) {
        LOG.error("lease expired with no automatic retry left: completed with error");
      }
    }
    int total = requeued.size() + exhausted.size();
    if (total > 0) {
      registry.counter("kiln_lease_expiries_total").increment(total);
    }
    return total;
  }
}
