package dev.kiln.workflow.service;

import dev.kiln.workflow.domain.WorkRequestCompleted;
import dev.kiln.workflow.repository.CompletionRepository;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.List;
import org.jboss.logging.Logger;

/** Applies work request completions exactly once, whatever Kafka redelivers. */
@ApplicationScoped
public class CompletionService {

  private static final Logger LOG = Logger.getLogger(CompletionService.class);

  @Inject CompletionRepository repository;
  @Inject MeterRegistry registry;

  /**
   * Records many completions in one transaction and two statements (claim the event ids, insert the
   * completions of those claimed); returns how many were new (the others had been applied).
   */
  @Transactional
  public int applyAll(List<WorkRequestCompleted> events) {
    List<WorkRequestCompleted> fresh = repository.claimAndInsert(events);
    int duplicates = events.size() - fresh.size();
    if (duplicates > 0) {
      registry.counter("kiln_workflow_events_duplicate_total").increment(duplicates);
    }
    for (WorkRequestCompleted e : fresh) {
      registry.counter("kiln_workflow_events_applied_total", "result", e.result()).increment();
      LOG.debugf(
          "work request %d (%s/%s) completed with %s",
          e.workRequestId(), e.taskType(), e.taskName(), e.result());
    }
    if (!fresh.isEmpty()) {
      LOG.infof(
          "%d work request completions recorded (%d already applied)", fresh.size(), duplicates);
    }
    return fresh.size();
  }

  @Transactional
  public List<WorkRequestCompleted> completionsOf(long workRequestId) {
    return repository.findByWorkRequest(workRequestId);
  }
}
