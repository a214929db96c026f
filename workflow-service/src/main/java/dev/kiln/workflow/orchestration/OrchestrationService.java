package dev.kiln.workflow.orchestration;

import dev.kiln.workflow.domain.catalogue.WorkflowCatalogue;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The {@link WorkflowDriver} over the real services, with metrics. No event table: every step is
 * idempotent by itself (a repeated populate lays out nothing new, a finished callback is skipped, a
 * fulfilled promise is not written again).
 */
@ApplicationScoped
public class OrchestrationService {

  @Inject OrchestrationConfig config;
  @Inject SchedulerApi scheduler;
  @Inject ArtifactApi artifacts;
  @Inject MeterRegistry registry;

  private WorkflowDriver driver;

  @PostConstruct
  void init() {
    driver =
        new WorkflowDriver(
            WorkflowCatalogue.orchestration(),
            scheduler,
            artifacts,
            config.reactionCacheWorkflows());
  }

  /** The driver (tests drive it directly). */
  public WorkflowDriver driver() {
    return driver;
  }

  public WorkflowDriver.Outcome populate(long rootId) {
    WorkflowDriver.Outcome o = driver.populate(rootId);
    registry
        .counter(
            "kiln_workflow_orchestrations_total",
            "kind",
            "workflow",
            "outcome",
            o.name().toLowerCase())
        .increment();
    return o;
  }

  public WorkflowDriver.Outcome callback(long rootId, long callbackId) {
    WorkflowDriver.Outcome o = driver.callback(rootId, callbackId);
    registry
        .counter(
            "kiln_workflow_orchestrations_total",
            "kind",
            "callback",
            "outcome",
            o.name().toLowerCase())
        .increment();
    return o;
  }

  public int fulfil(long rootId, java.util.Collection<Long> workRequestIds) {
    int n = driver.fulfil(rootId, workRequestIds);
    if (n > 0) {
      registry.counter("kiln_workflow_promises_fulfilled_total").increment(n);
    }
    return n;
  }

  public void forget(long rootId) {
    driver.forget(rootId);
  }
}
