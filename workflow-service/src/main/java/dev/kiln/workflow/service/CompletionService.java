package dev.kiln.workflow.service;

import dev.kiln.outbox.ProcessedEvents;
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
  @Inject ProcessedEvents processed;
  @Inject MeterRegistry registry;

  /** Records a completion; returns false when the event had been applied already. */
  @Transactional
  public boolean apply(WorkRequestCompleted event) {
    if (!processed.claim(event.eventId(), WorkRequestCompleted.EVENT_TYPE)) {
      registry.counter("kiln_workflow_events_duplicate_total").increment();
      LOG.debugf("event %s already applied", event.eventId());
      return false;
    }
    repository.insert(event);
    registry.counter("kiln_workflow_events_applied_total", "result", event.result()).increment();
    LOG.infof(
        "work request %d (%s/%s) completed with %s",
        event.workRequestId(), event.taskType(), event.taskName(), event.result());
    return true;
  }

  @Transactional
  public List<WorkRequestCompleted> completionsOf(long workRequestId) {
    return repository.findByWorkRequest(workRequestId);
  }
}
