package dev.kiln.scheduler.repository;

import dev.kiln.scheduler.config.SchedulerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.sql.Statement;
import org.hibernate.Session;

/**
 * How PostgreSQL plans the statements of the current transaction.
 *
 * <p>The report batches and dispatch passes run the same dozen set-based statements thousands of
 * times a second, each with arrays as its parameters. Left to itself ({@code plan_cache_mode =
 * auto}) PostgreSQL kept planning them anew on every execution: a custom plan looked cheaper than
 * the generic one for the few elements of a small batch. Planning the propagation's recursive query
 * took 4.6 ms and the claim's 1.4 ms, per batch of five reports: more than executing the whole
 * batch (measured with {@code bench/scheduler.sh --pg-stats}, 10 agents). Their plans do not depend
 * on the arrays' contents: they find their rows through the arrays of ids (primary keys) or through
 * literal conditions (the partial indexes' statuses), a status given as a parameter only filtering
 * rows found so, so one generic plan, made once per connection and statement, serves them all.
 *
 * <p>Only small batches take it: the generic plan is made for arrays of unknown length, and with
 * hundreds of elements it ran slower than planning anew (a batch of 500 reports: 107 ms in the
 * transaction against 96; a batch of 5: 4.5 ms against 7.4; back-to-back runs of {@code
 * bench/scheduler.sh --scheduler-opt=-Dkiln.scheduler.generic-plans=false}), while the planning a
 * big batch pays is a few percent of its time.
 */
@ApplicationScoped
public class QueryPlans {

  @Inject EntityManager em;
  @Inject SchedulerConfig config;

  /** The largest batch that runs on generic plans. */
  static final int SMALL_BATCH = 32;

  /**
   * When a batch of {@code size} items is small, the rest of this transaction runs its prepared
   * statements on their generic plans ({@code SET LOCAL}: the connection is back to PostgreSQL's
   * own choice after the commit). Only for transactions whose statements find their rows by arrays
   * of ids or by literal conditions, not through a parameter whose value decides the index. Nothing
   * when {@code kiln.scheduler.generic-plans} is false.
   */
  public void forBatchOf(int size) {
    if (!config.genericPlans() || size > SMALL_BATCH) {
      return;
    }
    em.unwrap(Session.class)
        .doWork(
            c -> {
              try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL plan_cache_mode = force_generic_plan");
              }
            });
  }
}
