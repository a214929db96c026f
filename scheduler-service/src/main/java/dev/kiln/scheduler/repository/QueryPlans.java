package dev.kiln.scheduler.repository;

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
 * on the arrays' contents (every status they test is a literal, so partial indexes still match), so
 * one generic plan, made once per connection and statement, serves them all.
 */
@ApplicationScoped
public class QueryPlans {

  @Inject EntityManager em;

  /**
   * The rest of this transaction runs its prepared statements on their generic plans ({@code SET
   * LOCAL}: the connection is back to PostgreSQL's own choice after the commit). Only for
   * transactions whose statements test no status or other skewed value through a parameter.
   */
  public void genericForThisTransaction() {
    em.unwrap(Session.class)
        .doWork(
            c -> {
              try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL plan_cache_mode = force_generic_plan");
              }
            });
  }
}
