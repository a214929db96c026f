package dev.kiln.scheduler.service;

import dev.kiln.scheduler.repository.ExpiryRepository;
import dev.kiln.scheduler.repository.LifecycleRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Deletes expired work requests ({@code expires_at}, from {@code expiration_delay}), a batch of
 * root workflows per transaction, never one still blocked, pending or running, nor one an
 * unfinished work request depends on ({@link ExpiryRepository} has the rule). Each root's lifecycle
 * lock is tried, not awaited: a workflow busy with a retry or a new child is left for the next
 * pass. Replicas share the work the same way.
 */
@ApplicationScoped
public class ExpiryReaper {

  private static final Logger LOG = Logger.getLogger(ExpiryReaper.class);
  static final int BATCH = 500;

  @Inject ExpiryRepository expiry;
  @Inject LifecycleRepository lifecycle;
  @Inject MeterRegistry registry;

  @Scheduled(
      every = "${kiln.scheduler.expiry-check-interval:1m}",
      delayed = "10s",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void reap() {
    int total = 0;
    Pass p;
    do {
      p = deleteExpired();
      total += p.deleted();
    } while (p.candidates() >= BATCH && p.deleted() > 0);
    if (total > 0) {
      LOG.infof("deleted %d expired work requests", total);
    }
  }

  /** What one batch did: how many roots it looked at, how many work requests it deleted. */
  public record Pass(int candidates, int deleted) {}

  /** One batch, in one transaction. */
  @Transactional
  public Pass deleteExpired() {
    List<Long> roots = expiry.deletableRoots(BATCH);
    List<Long> deleted = expiry.delete(lifecycle.tryLockRoots(roots));
    if (!deleted.isEmpty()) {
      registry.counter("kiln_work_requests_expired_total").increment(deleted.size());
    }
    return new Pass(roots.size(), deleted.size());
  }
}
