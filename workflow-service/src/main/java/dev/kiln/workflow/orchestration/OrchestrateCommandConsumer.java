package dev.kiln.workflow.orchestration;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.task.TaskJson;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes {@code kiln.work-requests} as the group {@code kiln-workflow-orchestrators}: {@code
 * workflow.orchestrate.v1} (kind {@code workflow}: populate the root; kind {@code callback}: run
 * the step) and {@code work-request.completed.v1} with success (fulfil the child's promises). The
 * records of one poll come as a batch and are handled in order, one step at a time, both kinds on
 * the same partition (keyed by root workflow): a workflow's orchestration is strictly one step at a
 * time, and a producer's completion is handled after the step that created its promise. The
 * successes of a run of consecutive completion events of one root workflow are fulfilled together
 * ({@link OrchestrationService#fulfil}: a few remote calls for the run, not per child); any other
 * step ends the run first.
 *
 * <p>The offsets are committed only after the batch succeeded; a failure of the services is retried
 * with backoff, and after {@code kiln.orchestration.max-attempts} the channel fails (health DOWN,
 * offsets uncommitted: the next process redelivers). Every step is idempotent.
 */
@ApplicationScoped
public class OrchestrateCommandConsumer {

  private static final Logger LOG = Logger.getLogger(OrchestrateCommandConsumer.class);
  static final String ORCHESTRATE = "workflow.orchestrate.v1";
  static final String COMPLETED = "work-request.completed.v1";

  @Inject OrchestrationService orchestration;
  @Inject OrchestrationConfig config;

  @Incoming("workflow-orchestration")
  @Blocking(ordered = true)
  public void onEvents(List<String> payloads) {
    Long fulfilRoot = null;
    List<Long> fulfilled = new ArrayList<>();
    String fulfilEvent = null;
    for (String payload : payloads) {
      JsonNode event;
      try {
        event = TaskJson.mapper().readTree(payload);
      } catch (IOException e) {
        LOG.errorf("dropping an event that is not JSON: %s", e.getMessage());
        continue;
      }
      String type = event.path("event_type").asText("");
      if (!ORCHESTRATE.equals(type) && !COMPLETED.equals(type)) {
        continue;
      }
      Step step;
      try {
        step = step(type, event);
      } catch (RuntimeException e) {
        LOG.errorf("dropping a malformed %s event: %s", type, e.getMessage());
        continue;
      }
      if (step == null) {
        continue;
      }
      String eventId = event.path("event_id").asText();
      if (step instanceof Step.Fulfil f) {
        if (fulfilRoot != null && fulfilRoot != f.root()) {
          flush(fulfilRoot, fulfilled, fulfilEvent);
          fulfilled = new ArrayList<>();
        }
        if (fulfilled.isEmpty()) {
          fulfilEvent = eventId;
        }
        fulfilRoot = f.root();
        fulfilled.add(f.workRequest());
        continue;
      }
      if (fulfilRoot != null) {
        flush(fulfilRoot, fulfilled, fulfilEvent);
        fulfilRoot = null;
        fulfilled = new ArrayList<>();
      }
      Runnable run = ((Step.Run) step).run();
      withRetries(run, eventId);
    }
    if (fulfilRoot != null) {
      flush(fulfilRoot, fulfilled, fulfilEvent);
    }
  }

  private void flush(long root, List<Long> workRequests, String firstEvent) {
    List<Long> ids = List.copyOf(workRequests);
    withRetries(
        () -> orchestration.fulfil(root, ids),
        firstEvent + (ids.size() > 1 ? " (and " + (ids.size() - 1) + " more successes)" : ""));
  }

  /** What one event asks for: a step to run, or a success whose promises to fulfil. */
  sealed interface Step {
    record Run(Runnable run) implements Step {}

    record Fulfil(long root, long workRequest) implements Step {}
  }

  private Step step(String type, JsonNode e) {
    long workRequest = required(e, "work_request_id");
    Long root = e.hasNonNull("root_workflow_id") ? e.get("root_workflow_id").asLong() : null;
    if (ORCHESTRATE.equals(type)) {
      long workflow = required(e, "workflow_id");
      long rootId = root != null ? root : workflow;
      String kind = e.path("kind").asText();
      if ("workflow".equals(kind)) {
        // Sub-workflows are laid out inline by their root's orchestrator.
        return workflow == rootId ? new Step.Run(() -> orchestration.populate(rootId)) : null;
      }
      if ("callback".equals(kind)) {
        return new Step.Run(() -> orchestration.callback(rootId, workRequest));
      }
      throw new IllegalArgumentException("unknown kind '" + kind + "'");
    }
    if (root == null) {
      return null; // a standalone work request: no workflow to react in
    }
    if (root == workRequest) {
      return new Step.Run(() -> orchestration.forget(root));
    }
    if (!"success".equals(e.path("result").asText())
        || "internal".equals(e.path("task_type").asText())
        || "workflow".equals(e.path("task_type").asText())) {
      return null;
    }
    return new Step.Fulfil(root, workRequest);
  }

  private void withRetries(Runnable step, String eventId) {
    long backoffMs = 100;
    for (int attempt = 1; ; attempt++) {
      try {
        step.run();
        return;
      } catch (RemoteCallException e) {
        if (!e.retryable()) {
          // A refusal that trying again cannot change: log it loudly and go on with the partition.
          LOG.errorf("event %s: %s", eventId, e.getMessage());
          return;
        }
        if (attempt >= config.maxAttempts()) {
          throw e;
        }
        LOG.warnf("event %s failed (%s); retrying in %d ms", eventId, e.getMessage(), backoffMs);
        try {
          Thread.sleep(backoffMs);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
        backoffMs = Math.min(backoffMs * 2, 5_000);
      }
    }
  }

  private static long required(JsonNode e, String field) {
    if (!e.hasNonNull(field)) {
      throw new IllegalArgumentException(field + " is missing");
    }
    return e.get(field).asLong();
  }
}
