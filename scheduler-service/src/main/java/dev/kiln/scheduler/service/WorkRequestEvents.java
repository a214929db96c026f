package dev.kiln.scheduler.service;

import dev.kiln.outbox.OutboxEvent;
import dev.kiln.outbox.OutboxWriter;
import dev.kiln.scheduler.config.SchedulerConfig;
import dev.kiln.scheduler.repository.WorkRequestEntity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;

/**
 * Writes work request events into the outbox (kiln-outbox), inside the caller's transaction. The
 * relay publishes them after the commit, keyed by root workflow so one workflow's events stay in
 * order.
 */
@ApplicationScoped
public class WorkRequestEvents {

  @Inject OutboxWriter outbox;
  @Inject SchedulerConfig config;

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
    Map<String, Object> event = OutboxEvent.envelope(type);
    event.put("work_request_id", wr.id);
    event.put("root_workflow_id", wr.rootId);
    event.put("parent_id", wr.parentId);
    event.put("task_type", wr.taskType);
    event.put("task_name", wr.taskName);
    event.put("workspace", wr.workspace);
    return event;
  }

  private void write(Map<String, Object> event, WorkRequestEntity wr) {
    String key = String.valueOf(wr.rootId != null ? wr.rootId : wr.id);
    outbox.write(new OutboxEvent(config.workRequestTopic(), key, event));
  }
}
