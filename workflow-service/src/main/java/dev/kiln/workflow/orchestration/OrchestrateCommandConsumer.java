package dev.kiln.workflow.orchestration;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.task.TaskJson;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes {@code kiln.work-requests} as the group {@code kiln-workflow-orchestrators}: {@code
 * workflow.orchestrate.v1} (kind {@code workflow}: populate the root; kind {@code callback}: run
 * the step) and {@code work-request.completed.v1} with success (fulfil the child's promises). One
 * message at a time per partition, and both kinds on the same partition (keyed by root workflow): a
 * workflow's orchestration is strictly one step at a time, and a producer's completion is handled
 * after the step that created its promise.
 *
 * <p>The offset is committed only after the step succeeded; a failure of the services is retried
 * with backoff, and after {@code kiln.orchestration.max-attempts} the channel fails (health DOWN,
 * offset uncommitted: the next process redelivers). Every step is idempotent.
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
  public void onEvent(String payload) {
    JsonNode event;
    try {
      event = TaskJson.mapper().readTree(payload);
    } catch (IOException e) {
      LOG.errorf("dropping an event that is not JSON: %s", e.getMessage());
      return;
    }
    String type = event.path("event_type").asText("");
    if (!ORCHESTRATE.equals(type) && !COMPLETED.equals(type)) {
      return;
    }
    Runnable step;
    try {
      step = step(type, event);
    } catch (RuntimeException e) {
      LOG.errorf("dropping a malformed %s event: %s", type, e.getMessage());
      return;
    }
    if (step != null) {
      withRetries(step, event.path("event_id").asText());
    }
  }

  private Runnable step(String type, JsonNode e) {
    long workRequest = required(e, "work_request_id");
    Long root = e.hasNonNull("root_workflow_id") ? e.get("root_workflow_id").asLong() : null;
    if (ORCHESTRATE.equals(type)) {
      long workflow = required(e, "workflow_id");
      long rootId = root != null ? root : workflow;
      String kind = e.path("kind").asText();
      if ("workflow".equals(kind)) {
        // Sub-workflows are laid out inline by their root's orchestrator.
        return workflow == rootId ? () -> orchestration.populate(rootId) : null;
      }
      if ("callback".equals(kind)) {
        return () -> orchestration.callback(rootId, workRequest);
      }
      throw new IllegalArgumentException("unknown kind '" + kind + "'");
    }
    if (root == null) {
      return null; // a standalone work request: no workflow to react in
    }
    if (root == workRequest) {
      return () -> orchestration.forget(root);
    }
    if (!"success".equals(e.path("result").asText())
        || "internal".equals(e.path("task_type").asText())
        || "workflow".equals(e.path("task_type").asText())) {
      return null;
    }
    return () -> orchestration.fulfil(root, workRequest);
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
