package dev.kiln.scheduler.service;

import dev.kiln.scheduler.repository.ExpiryRepository;
import dev.kiln.scheduler.repository.LifecycleRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
    Set<Long> failed = new HashSet<>();
    Pass p;
    do {
      p = pass(failed);
      total += p.deleted();
    } while (p.candidates() >= BATCH && p.deleted() > 0);
    if (total > 0) {
      LOG.infof("deleted %d expired work requests", total);
    }
  }

  /** What one batch did: how many roots it looked at, how many work requests it deleted. */
  public record Pass(int candidates, int deleted) {}

  /**
   * One batch in one transaction; if that fails, its roots one by one, so that a tree that cannot
   * be deleted (logged, counted in {@code kiln_work_requests_expiry_failures_total}) does not hold
   * up the expiry of every other one behind it; such a root joins {@code failed}, which later
   * batches of the same run leave out.
   */
  public Pass pass(Set<Long> failed) {
    List<Long> roots =
        QuarkusTransaction.requiringNew().call(() -> expiry.deletableRoots(BATCH, failed));
    try {
      return new Pass(roots.size(), QuarkusTransaction.requiringNew().call(() -> delete(roots)));
    } catch (RuntimeException batchFailed) {
      LOG.warnf(
          "expiry of %d roots failed as a batch (%s); trying them one by one",
          roots.size(), batchFailed);
      int deleted = 0;
      for (Long root : roots) {
        try {
          deleted += QuarkusTransaction.requiringNew().call(() -> delete(List.of(root)));
        } catch (RuntimeException e) {
          failed.add(root);
          registry.counter("kiln_work_requests_expiry_failures_total").increment();
          LOG.errorf(e, "expired work request %d and its tree cannot be deleted", root);
        }
      }
      return new Pass(roots.size(), deleted);
    }
  }

  private int delete(List<Long> roots) {
    List<Long> deleted = expiry.delete(lifecycle.tryLockRoots(roots));
    if (!deleted.isEmpty()) {
      registry.counter("kiln_work_requests_expired_total").increment(deleted.size());
    }
    return deleted.size();
  }
}
