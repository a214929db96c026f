package dev.kiln.scheduler.service;

import dev.kiln.scheduler.repository.WorkRequestRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Gauges for the dashboards, each from one GROUP BY query on a timer (never per work request):
 * queue depth by task type and by required tag set, and workers connected/busy/idle by tag ({@code
 * arch:*} and {@code worker-type:*}; connected means connected to any replica).
 */
@ApplicationScoped
public class DispatchMetrics {

  @Inject WorkRequestRepository workRequests;
  @Inject TagIndex tags;
  @Inject EntityManager em;
  @Inject MeterRegistry registry;

  private MultiGauge byType;
  private MultiGauge byTags;
  private MultiGauge workers;

  @PostConstruct
  void register() {
    byType =
        MultiGauge.builder("kiln_queue_depth")
            .description("Pending work requests by task type")
            .register(registry);
    byTags =
        MultiGauge.builder("kiln_queue_depth_by_tags")
            .description("Pending prepared work requests by required tag set")
            .register(registry);
    workers =
        MultiGauge.builder("kiln_workers")
            .description("Enabled workers by tag and state (connected, busy, idle)")
            .register(registry);
  }

  @Scheduled(
      every = "${kiln.scheduler.queue-metrics-interval:10s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  @Transactional
  public void sample() {
    tags.refresh();
    Map<String, Long> types = new HashMap<>();
    Map<List<String>, Long> sets = new HashMap<>();
    for (Object[] r : workRequests.pendingByTypeAndClass()) {
      String type = (String) r[0];
      long n = ((Number) r[2]).longValue();
      types.merge(type, n, Long::sum);
      if (r[1] != null) {
        sets.merge(List.of(type, tags.requiredTagsOf(((Number) r[1]).longValue())), n, Long::sum);
      }
    }
    List<MultiGauge.Row<?>> typeRows = new ArrayList<>();
    types.forEach((t, n) -> typeRows.add(MultiGauge.Row.of(Tags.of("task_type", t), n)));
    byType.register(typeRows, true);
    List<MultiGauge.Row<?>> setRows = new ArrayList<>();
    sets.forEach(
        (k, n) ->
            setRows.add(
                MultiGauge.Row.of(Tags.of("task_type", k.get(0), "required_tags", k.get(1)), n)));
    byTags.register(setRows, true);

    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "WITH w AS (SELECT w.id, w.worker_type, w.connected_at IS NOT NULL AS connected,"
                    // one hashed read of the running requests' workers, not one per worker
                    + "   w.id IN (SELECT r.worker_id FROM work_request r WHERE r.status = 'running'"
                    + "     AND r.worker_id IS NOT NULL) AS busy"
                    + "   FROM worker w WHERE w.enabled),"
                    + " t AS (SELECT w.*, 'worker-type:' || w.worker_type AS tag FROM w"
                    + "   UNION ALL SELECT w.*, g.value FROM w JOIN worker_tag g ON g.worker_id = w.id"
                    + "   AND g.kind = 'provided' AND g.value LIKE 'arch:%')"
                    + " SELECT tag, count(DISTINCT id) FILTER (WHERE connected),"
                    + "   count(DISTINCT id) FILTER (WHERE connected AND busy),"
                    + "   count(DISTINCT id) FILTER (WHERE connected AND NOT busy)"
                    + " FROM t GROUP BY tag")
            .getResultList();
    List<MultiGauge.Row<?>> workerRows = new ArrayList<>();
    for (Object[] r : rows) {
      String tag = (String) r[0];
      workerRows.add(MultiGauge.Row.of(Tags.of("tag", tag, "state", "connected"), (Number) r[1]));
      workerRows.add(MultiGauge.Row.of(Tags.of("tag", tag, "state", "busy"), (Number) r[2]));
      workerRows.add(MultiGauge.Row.of(Tags.of("tag", tag, "state", "idle"), (Number) r[3]));
    }
    workers.register(workerRows, true);
  }
}
