package dev.kiln.scheduler.service;

import dev.kiln.outbox.OutboxEvent;
import dev.kiln.outbox.OutboxWriter;
import dev.kiln.scheduler.config.SchedulerConfig;
import dev.kiln.scheduler.repository.LifecycleRepository.Changed;
import dev.kiln.scheduler.repository.WorkRequestEntity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Writes work request events into the outbox (kiln-outbox), inside the caller's transaction. The
 * relay publishes them after the commit, keyed by root workflow so one workflow's events stay in
 * order. Bulk transitions write all their events in one statement. The commands to the workflow
 * service ({@code work-request.server-task.v1}, {@code workflow.orchestrate.v1}) go on the same
 * topic with the same key, so they stay in order with the events of their workflow.
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

  /** {@code work-request.completed.v1} for each, in one statement. */
  public void completedAll(Collection<Changed> rows, Map<Long, Map<String, Object>> outputs) {
    List<OutboxEvent> out = new ArrayList<>();
    for (Changed c : rows) {
      Map<String, Object> event = envelope("work-request.completed.v1", c);
      event.put("status", c.status());
      event.put("result", c.result());
      event.put("attempt", c.attempt());
      event.put("worker_id", c.workerId());
      event.put("output_data", outputs.getOrDefault(c.id(), Map.of()));
      out.add(event(event, c.rootId(), c.id()));
    }
    outbox.writeAll(out);
  }

  /** {@code work-request.aborted.v1} for each, in one statement. */
  public void abortedAll(Collection<Changed> rows, String abortedBy) {
    List<OutboxEvent> out = new ArrayList<>();
    for (Changed c : rows) {
      Map<String, Object> event = envelope("work-request.aborted.v1", c);
      event.put("status", c.status());
      event.put("attempt", c.attempt());
      event.put("worker_id", c.workerId());
      event.put("aborted_by", abortedBy);
      out.add(event(event, c.rootId(), c.id()));
    }
    outbox.writeAll(out);
  }

  /** {@code work-request.status-changed.v1} for each (not terminal: those have their own). */
  public void statusChangedAll(Collection<Changed> rows, String previous, String reason) {
    List<OutboxEvent> out = new ArrayList<>();
    for (Changed c : rows) {
      Map<String, Object> event = envelope("work-request.status-changed.v1", c);
      event.put("status", c.status());
      event.put("previous_status", previous);
      event.put("reason", reason);
      out.add(event(event, c.rootId(), c.id()));
    }
    outbox.writeAll(out);
  }

  /** {@code work-request.created.v1} for each new work request, in one statement. */
  public void createdAll(List<Map<String, Object>> rows) {
    List<OutboxEvent> out = new ArrayList<>();
    for (Map<String, Object> r : rows) {
      Map<String, Object> event = OutboxEvent.envelope("work-request.created.v1");
      long id = ((Number) r.get("id")).longValue();
      Long root = (Long) r.get("root_id");
      event.put("work_request_id", id);
      event.put("root_workflow_id", root);
      event.put("parent_id", r.get("parent_id"));
      event.put("task_type", r.get("task_type"));
      event.put("task_name", r.get("task_name"));
      event.put("workspace", r.get("workspace"));
      event.put("status", r.get("status"));
      event.put("created_by", r.get("created_by"));
      event.put("priority_base", r.get("priority_base"));
      event.put("unblock_strategy", r.get("unblock_strategy"));
      event.put("supersedes_id", r.get("supersedes_id"));
      event.put("dependencies", r.getOrDefault("dependencies", List.of()));
      out.add(event(event, root, id));
    }
    outbox.writeAll(out);
  }

  /** {@code work-request.retried.v1}: {@code retriedId} is superseded by {@code newId}. */
  public void retried(
      long retriedId, Long rootId, Map<String, Object> newRow, List<Long> rewired, String by) {
    Map<String, Object> event = OutboxEvent.envelope("work-request.retried.v1");
    event.put("work_request_id", retriedId);
    event.put("root_workflow_id", rootId);
    event.put("parent_id", newRow.get("parent_id"));
    event.put("task_type", newRow.get("task_type"));
    event.put("task_name", newRow.get("task_name"));
    event.put("workspace", newRow.get("workspace"));
    event.put("superseded_by", newRow.get("id"));
    event.put("retry_count", newRow.get("retry_count"));
    event.put("rewired_dependents", rewired);
    event.put("retried_by", by);
    outbox.write(event(event, rootId, retriedId));
  }

  /**
   * {@code work-request.server-task.v1}: a server task for the workflow service's runners, with the
   * task data they run it with and the attempt they report with.
   */
  public void serverTasksAll(Collection<Changed> rows, Map<Long, WorkRequestEntity> entities) {
    List<OutboxEvent> out = new ArrayList<>();
    for (Changed c : rows) {
      WorkRequestEntity e = entities.get(c.id());
      Map<String, Object> event = envelope("work-request.server-task.v1", c);
      event.put("attempt", c.attempt());
      event.put("status", c.status());
      event.put(
          "task_data",
          e.configuredTaskData != null
              ? e.configuredTaskData
              : e.taskData == null ? Map.of() : e.taskData);
      event.put("dynamic_task_data", e.dynamicTaskData);
      out.add(event(event, c.rootId(), c.id()));
    }
    outbox.writeAll(out);
  }

  /**
   * {@code workflow.orchestrate.v1}: the workflow service runs the orchestrator of a workflow that
   * started ({@code step} null) or the step of a callback.
   */
  public void orchestrateAll(Collection<Changed> rows) {
    List<OutboxEvent> out = new ArrayList<>();
    for (Changed c : rows) {
      boolean callback = "internal".equals(c.taskType());
      Map<String, Object> event = OutboxEvent.envelope("workflow.orchestrate.v1");
      event.put("work_request_id", c.id());
      event.put("workflow_id", callback ? c.parentId() : c.id());
      event.put("root_workflow_id", c.rootId());
      event.put("task_name", c.taskName());
      event.put("workspace", c.workspace());
      event.put("kind", callback ? "callback" : "workflow");
      event.put("step", callback ? c.workflowData().get("step") : null);
      out.add(event(event, c.rootId(), c.id()));
    }
    outbox.writeAll(out);
  }

  private static Map<String, Object> envelope(String type, Changed c) {
    Map<String, Object> event = OutboxEvent.envelope(type);
    event.put("work_request_id", c.id());
    event.put("root_workflow_id", c.rootId());
    event.put("parent_id", c.parentId());
    event.put("task_type", c.taskType());
    event.put("task_name", c.taskName());
    event.put("workspace", c.workspace());
    return event;
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

  /** Keyed by root workflow, so one workflow's events keep their order on one partition. */
  private OutboxEvent event(Map<String, Object> body, Long rootId, long id) {
    return new OutboxEvent(
        config.workRequestTopic(), String.valueOf(rootId != null ? rootId : id), body);
  }

  private void write(Map<String, Object> event, WorkRequestEntity wr) {
    outbox.write(event(event, wr.rootId, wr.id));
  }
}
