package dev.kiln.scheduler.service;

import dev.kiln.common.auth.Caller;
import dev.kiln.common.log.LogContext;
import dev.kiln.common.problem.ApiException;
import dev.kiln.common.problem.FieldError;
import dev.kiln.scheduler.domain.TaskDataRules;
import dev.kiln.scheduler.domain.WorkRequestResult;
import dev.kiln.scheduler.domain.WorkRequestStatus;
import dev.kiln.scheduler.repository.WorkRequestEntity;
import dev.kiln.scheduler.repository.WorkRequestRepository;
import dev.kiln.task.TaskType;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jboss.logging.Logger;

/** Creating, reading and completing work requests. */
@ApplicationScoped
public class WorkRequestService {

  private static final Logger LOG = Logger.getLogger(WorkRequestService.class);
  private static final String DEFAULT_WORKSPACE = "System";

  /** Fired inside a transaction that made work available; observed after commit. */
  public record WorkAvailable() {}

  @Inject WorkRequestRepository repository;
  @Inject WorkRequestEvents events;
  @Inject MeterRegistry registry;
  @Inject Event<WorkAvailable> workAvailable;

  @Transactional
  public WorkRequestView create(NewWorkRequest request, Caller caller) {
    String taskType = request.taskType() == null ? TaskType.WORKER.wire() : request.taskType();
    List<FieldError> errors =
        TaskDataRules.validate(taskType, request.taskName(), request.taskData());
    String workspace = request.workspace() == null ? DEFAULT_WORKSPACE : request.workspace();
    if (workspace.isBlank() || workspace.length() > 255) {
      errors = new java.util.ArrayList<>(errors);
      errors.add(new FieldError("workspace", "must be 1 to 255 characters"));
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    WorkRequestEntity wr = new WorkRequestEntity();
    wr.workspace = workspace;
    wr.createdBy = caller.name();
    wr.createdAt = Instant.now();
    wr.status = WorkRequestStatus.PENDING.wire();
    wr.result = "";
    wr.taskType = taskType;
    wr.taskName = request.taskName();
    wr.taskData = request.taskData();
    wr.workflowData = new HashMap<>();
    wr.priorityBase = request.priorityBase() == null ? 0 : request.priorityBase();
    wr.unblockStrategy = "deps";
    repository.persist(wr);
    repository.flush();
    try (LogContext ignored = LogContext.workRequest(wr.id, null)) {
      LOG.infof(
          "created %s/%s in workspace %s by %s", taskType, wr.taskName, workspace, caller.name());
    }
    registry.counter("kiln_work_requests_created_total", "task_type", taskType).increment();
    workAvailable.fire(new WorkAvailable());
    return WorkRequestView.of(wr);
  }

  /** A page of work requests and the cursor of the next one (null on the last page). */
  public record Page(List<WorkRequestView> items, Long nextBefore) {}

  /** Work requests matching the filters, newest first, {@code limit} (1..500) at a time. */
  @Transactional
  public Page list(
      String status,
      String taskType,
      String taskName,
      String workspace,
      Long parentId,
      Long before,
      int limit) {
    List<FieldError> errors = new java.util.ArrayList<>();
    if (limit < 1 || limit > 500) {
      errors.add(new FieldError("limit", "must be between 1 and 500"));
    }
    if (status != null
        && java.util.Arrays.stream(WorkRequestStatus.values())
            .noneMatch(s -> s.wire().equals(status))) {
      errors.add(
          new FieldError("status", "must be one of blocked, pending, running, completed, aborted"));
    }
    if (taskType != null && TaskType.fromWire(taskType).isEmpty()) {
      errors.add(
          new FieldError(
              "task_type", "must be one of worker, server, internal, workflow, signing, wait"));
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    List<WorkRequestView> items =
        repository.page(status, taskType, taskName, workspace, parentId, before, limit).stream()
            .map(WorkRequestView::of)
            .toList();
    Long next = items.size() == limit ? items.get(items.size() - 1).id() : null;
    return new Page(items, next);
  }

  @Transactional
  public WorkRequestView get(long id) {
    return repository
        .findByIdOptional(id)
        .map(WorkRequestView::of)
        .orElseThrow(() -> ApiException.notFound("work request " + id));
  }

  /** What an abort changed: the view, and the agent attempt to stop if it was running. */
  public record Aborted(WorkRequestView workRequest, Long workerId, int attempt) {}

  /**
   * Aborts a blocked, pending or running work request. A running one keeps its worker id in the
   * answer so the caller can tell the agent; the agent's later report is refused because the
   * request is no longer running.
   */
  @Transactional
  public Aborted abort(long id, Caller caller) {
    WorkRequestEntity wr =
        repository.findForUpdate(id).orElseThrow(() -> ApiException.notFound("work request " + id));
    WorkRequestStatus status = WorkRequestStatus.fromWire(wr.status);
    if (!status.canTransitionTo(WorkRequestStatus.ABORTED)) {
      throw ApiException.preconditionFailed(
          "work request " + id + " is " + wr.status + " and can no longer be aborted");
    }
    Long workerId = status == WorkRequestStatus.RUNNING ? wr.workerId : null;
    wr.status = WorkRequestStatus.ABORTED.wire();
    wr.completedAt = Instant.now();
    wr.leaseExpiresAt = null;
    events.aborted(wr, caller.name());
    try (LogContext ignored = LogContext.workRequest(wr.id, wr.attempt)) {
      LOG.infof("aborted by %s (was %s)", caller.name(), status.wire());
    }
    registry.counter("kiln_work_requests_aborted_total", "task_type", wr.taskType).increment();
    if (workerId != null) {
      workAvailable.fire(new WorkAvailable()); // its worker has room again
    }
    return new Aborted(WorkRequestView.of(wr), workerId, wr.attempt);
  }

  /**
   * Records the result an agent reported for one attempt. Reporting the same outcome for the same
   * attempt again is accepted and changes nothing; a report for another attempt, or from another
   * worker, is refused.
   */
  @Transactional
  public WorkRequestView complete(
      long workerId,
      long workRequestId,
      int attempt,
      WorkRequestResult result,
      Map<String, Object> outputData) {
    WorkRequestEntity wr =
        repository
            .findForUpdate(workRequestId)
            .orElseThrow(() -> ApiException.notFound("work request " + workRequestId));
    try (LogContext ignored = LogContext.workRequest(workRequestId, attempt)) {
      if (!Objects.equals(wr.workerId, workerId) || wr.attempt != attempt) {
        throw ApiException.preconditionFailed(
            "attempt "
                + attempt
                + " of work request "
                + workRequestId
                + " is not assigned to this worker (current attempt "
                + wr.attempt
                + ")");
      }
      WorkRequestStatus status = WorkRequestStatus.fromWire(wr.status);
      if (status == WorkRequestStatus.COMPLETED && result.wire().equals(wr.result)) {
        return WorkRequestView.of(wr); // a retried report of what is already recorded
      }
      if (!status.canTransitionTo(WorkRequestStatus.COMPLETED)
          || status != WorkRequestStatus.RUNNING) {
        throw ApiException.preconditionFailed(
            "work request " + workRequestId + " is " + wr.status + ", not running");
      }
      wr.status = WorkRequestStatus.COMPLETED.wire();
      wr.result = result.wire();
      wr.completedAt = Instant.now();
      wr.leaseExpiresAt = null;
      wr.outputData = outputData;
      events.completed(wr);
      LOG.infof("completed with %s", wr.result);
    }
    registry
        .counter(
            "kiln_work_requests_completed_total", "task_type", wr.taskType, "result", wr.result)
        .increment();
    workAvailable.fire(new WorkAvailable()); // the worker has room again
    return WorkRequestView.of(wr);
  }
}
