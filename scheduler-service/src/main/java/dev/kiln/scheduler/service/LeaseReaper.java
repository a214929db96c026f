package dev.kiln.scheduler.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.kiln.common.log.LogContext;
import dev.kiln.scheduler.config.SchedulerConfig;
import dev.kiln.scheduler.domain.LeaseRules;
import dev.kiln.scheduler.repository.LifecycleRepository;
import dev.kiln.scheduler.repository.WorkRequestEntity;
import dev.kiln.scheduler.repository.WorkRequestRepository;
import dev.kiln.task.TaskJson;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Expired leases and time limits, decided by {@link LeaseRules} and applied per batch: one locked
 * read, then one UPDATE per outcome (back to pending with the new retry count; ended {@code error}
 * with the rule's code), whatever the batch size. Replicas skip each other's locked rows.
 */
@ApplicationScoped
public class LeaseReaper {

  private static final Logger LOG = Logger.getLogger(LeaseReaper.class);
  private static final int BATCH = 1_000;

  @Inject WorkRequestRepository repository;
  @Inject WorkRequestEvents events;
  @Inject SchedulerConfig config;
  @Inject MeterRegistry registry;
  @Inject Dispatcher dispatcher;
  @Inject AgentSessions sessions;
  @Inject LifecycleRepository lifecycleRepository;
  @Inject LifecycleService lifecycle;

  /** What a pass did. */
  record Pass(int requeued, int failed, int timedOut, List<long[]> toAbort) {
    int total() {
      return requeued + failed + timedOut;
    }
  }

  @Scheduled(
      every = "${kiln.scheduler.lease-check-interval:2s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void reap() {
    int total = 0;
    Pass p;
    do {
      p = reapExpired(Instant.now());
      total += p.total();
      // the agent of a timed-out attempt is told to stop, if it is connected here
      for (long[] a : p.toAbort()) {
        sessions
            .get(a[1])
            .ifPresent(c -> c.abort(a[0], (int) a[2], LeaseRules.TIME_LIMIT_EXCEEDED));
      }
    } while (p.total() >= BATCH);
    if (total > 0) {
      dispatcher.wakeUp();
    }
  }

  @Transactional
  Pass reapExpired(Instant now) {
    List<Long> requeue = new ArrayList<>();
    List<Integer> retryCounts = new ArrayList<>();
    Map<String, List<Long>> failByMessage = new LinkedHashMap<>();
    for (WorkRequestRepository.Expired e : repository.lockExpiredLeases(now, BATCH)) {
      LeaseRules.Expiry decision =
          LeaseRules.onLeaseExpired(e.retryCount(), config.maxAutomaticRetries());
      if (decision instanceof LeaseRules.Requeue r) {
        requeue.add(e.id());
        retryCounts.add(r.retryCount());
      } else if (decision instanceof LeaseRules.Fail f) {
        failByMessage
            .computeIfAbsent(output(f.code(), f.message()), k -> new ArrayList<>())
            .add(e.id());
      }
    }
    repository.requeue(requeue.toArray(new Long[0]), retryCounts.toArray(new Integer[0]));
    List<Long> lostIds = new ArrayList<>();
    failByMessage.values().forEach(lostIds::addAll);
    // requests that end here propagate to their dependents like any completion; the root locks
    // keep a dependency edge added meanwhile from being missed. They are taken after the row locks
    // (a deadlock with a lifecycle call is broken by PostgreSQL and this pass runs again)
    lifecycleRepository.lockRootsOf(lostIds);
    int lost = 0;
    for (Map.Entry<String, List<Long>> f : failByMessage.entrySet()) {
      lost += repository.failRunning(f.getValue().toArray(new Long[0]), f.getKey());
    }

    List<Long> timedOut = new ArrayList<>();
    List<long[]> toAbort = new ArrayList<>();
    for (WorkRequestRepository.Expired e : repository.lockPastTimeLimit(now, BATCH)) {
      if (LeaseRules.timeLimitExceeded(e.startedAt(), e.timeLimit(), now)) {
        timedOut.add(e.id());
        if (e.workerId() != null) {
          toAbort.add(new long[] {e.id(), e.workerId(), e.attempt()});
        }
      }
    }
    lifecycleRepository.lockRootsOf(timedOut);
    int timed =
        repository.failRunning(
            timedOut.toArray(new Long[0]),
            output(
                LeaseRules.TIME_LIMIT_EXCEEDED, "the work request ran longer than its time limit"));

    List<Long> ended = new ArrayList<>(timedOut);
    ended.addAll(lostIds);
    if (!ended.isEmpty()) {
      for (WorkRequestEntity wr : repository.list("id in ?1", ended)) {
        events.completed(wr);
        try (LogContext ignored = LogContext.workRequest(wr.id, wr.attempt)) {
          LOG.errorf("completed with error: %s", wr.outputData);
        }
      }
      // after the completion events, so that cause comes before effect on the topic
      lifecycle.finished(ended);
    }
    if (!requeue.isEmpty()) {
      LOG.warnf("leases expired: %d work requests back to pending for a retry", requeue.size());
      registry.counter("kiln_retries_total", "reason", "lease-expired").increment(requeue.size());
    }
    int expiries = requeue.size() + lost;
    if (expiries > 0) {
      registry.counter("kiln_lease_expiries_total").increment(expiries);
    }
    if (timed > 0) {
      registry.counter("kiln_time_limit_exceeded_total").increment(timed);
    }
    return new Pass(requeue.size(), lost, timed, toAbort);
  }

  private static String output(String code, String message) {
    try {
      return TaskJson.mapper()
          .writeValueAsString(Map.of("errors", List.of(Map.of("code", code, "message", message))));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
