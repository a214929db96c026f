package dev.kiln.scheduler.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.scheduler.config.SchedulerConfig;
import dev.kiln.scheduler.repository.OutboxEventEntity;
import dev.kiln.scheduler.repository.OutboxRepository;
import dev.kiln.scheduler.repository.WorkRequestEntity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Writes work request events into the outbox, inside the caller's transaction. The relay publishes
 * them after the commit, keyed by root workflow so one workflow's events stay in order.
 */
@ApplicationScoped
public class WorkRequestEvents {

  /** Fired inside the transaction; observed after a successful commit to wake the relay. */
  public record OutboxWritten() {}

  @Inject OutboxRepository outbox;
  @Inject ObjectMapper mapper;
  @Inject SchedulerConfig config;
  @Inject Event<OutboxWritten> written;

  public void completed(WorkRequestEntity wr) {
    Map<String, Object> event = envelope("work-request.completed.v1", wr);
    event.put("status", wr.status);
    event.put("result", wr.result);
    event.put("attempt", wr.attempt);
    event.put("worker_id", wr.workerId);
    event.put("output_data", wr.outputData == null ? Map.of() : wr.outputData);
    write(event, wr);
  }

  public void aborted(WorkRequestEntity wr, String abortedBy) {
    Map<String, Object> event = envelope("work-request.aborted.v1", wr);
    event.put("status", wr.status);
    event.put("attempt", wr.attempt);
    event.put("worker_id", wr.workerId);
    event.put("aborted_by", abortedBy);
    write(event, wr);
  }

  private Map<String, Object> envelope(String type, WorkRequestEntity wr) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("event_id", UUID.randomUUID().toString());
    event.put("event_type", type);
    event.put("occurred_at", Instant.now().toString());
    event.put("work_request_id", wr.id);
    event.put("root_workflow_id", wr.rootId);
    event.put("parent_id", wr.parentId);
    event.put("task_type", wr.taskType);
    event.put("task_name", wr.taskName);
    event.put("workspace", wr.workspace);
    return event;
  }

  private void write(Map<String, Object> event, WorkRequestEntity wr) {
    OutboxEventEntity row = new OutboxEventEntity();
    row.eventId = UUID.fromString((String) event.get("event_id"));
    row.eventType = (String) event.get("event_type");
    row.topic = config.workRequestTopic();
    row.eventKey = String.valueOf(wr.rootId != null ? wr.rootId : wr.id);
    try {
      row.payload = mapper.writeValueAsString(event);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("event cannot be serialised", e);
    }
    row.createdAt = Instant.now();
    outbox.persist(row);
    written.fire(new OutboxWritten());
  }
}
