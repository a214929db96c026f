package dev.kiln.workflow.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.workflow.domain.WorkRequestCompleted;
import dev.kiln.workflow.service.CompletionService;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes {@code kiln.work-requests}, the records of one poll as a batch (a workflow of 10,000
 * children ends in 10,000 completion events: they are recorded in one transaction per poll, not one
 * per event). The offsets are committed only after the database transaction, and the event ids make
 * a redelivery a no-op: at-least-once delivery, exactly-once effect.
 */
@ApplicationScoped
public class WorkRequestEventConsumer {

  private static final Logger LOG = Logger.getLogger(WorkRequestEventConsumer.class);
  private static final int MAX_APPLY_ATTEMPTS = 10;

  @Inject ObjectMapper mapper;
  @Inject CompletionService completions;

  @Incoming("work-request-events")
  @Blocking(ordered = true)
  public void onEvents(List<String> payloads) {
    List<WorkRequestCompleted> batch = new ArrayList<>();
    for (String payload : payloads) {
      JsonNode event;
      try {
        event = mapper.readTree(payload);
      } catch (IOException e) {
        LOG.errorf("dropping an event that is not JSON: %s", e.getMessage());
        continue;
      }
      String type = event.path("event_type").asText("");
      if (!WorkRequestCompleted.EVENT_TYPE.equals(type)) {
        continue; // other work request events are for other consumers (for now)
      }
      try {
        batch.add(parse(event));
      } catch (RuntimeException e) {
        LOG.errorf("dropping a malformed %s event: %s", type, e.getMessage());
      }
    }
    if (!batch.isEmpty()) {
      applyWithRetries(batch);
    }
  }

  /**
   * A database hiccup must not skip the events: retry with backoff, and if it still fails, fail the
   * channel (the health check turns DOWN and the offsets stay uncommitted for the next process).
   */
  private void applyWithRetries(List<WorkRequestCompleted> batch) {
    long backoffMs = 100;
    for (int attempt = 1; ; attempt++) {
      try {
        completions.applyAll(batch);
        return;
      } catch (RuntimeException e) {
        if (attempt >= MAX_APPLY_ATTEMPTS) {
          throw e;
        }
        LOG.warnf(
            "applying %d events from %s failed (%s); retrying",
            batch.size(), batch.get(0).eventId(), e.getMessage());
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

  static WorkRequestCompleted parse(JsonNode e) {
    return new WorkRequestCompleted(
        UUID.fromString(e.get("event_id").asText()),
        e.get("work_request_id").asLong(),
        e.hasNonNull("root_workflow_id") ? e.get("root_workflow_id").asLong() : null,
        e.get("task_type").asText(),
        e.get("task_name").asText(),
        e.get("result").asText(),
        e.hasNonNull("attempt") ? e.get("attempt").asInt() : null,
        Instant.parse(e.get("occurred_at").asText()));
  }
}
