package dev.kiln.scheduler.service;

import dev.kiln.common.auth.Caller;
import dev.kiln.common.log.LogContext;
import dev.kiln.common.problem.ApiException;
import dev.kiln.common.problem.FieldError;
import dev.kiln.scheduler.domain.LeaseRules;
import dev.kiln.scheduler.domain.WorkRequestAccess;
import dev.kiln.scheduler.domain.WorkRequestResult;
import dev.kiln.scheduler.domain.WorkRequestStatus;
import dev.kiln.scheduler.repository.LifecycleRepository;
import dev.kiln.scheduler.repository.WorkRequestEntity;
import dev.kiln.scheduler.repository.WorkRequestRepository;
import dev.kiln.task.TaskType;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/** Reading work requests and recording their agents' results. */
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
  @Inject LifecycleService lifecycle;
  @Inject LifecycleRepository lifecycleRepository;

  /** Creates one work request (see {@link LifecycleService#create}). */
  @Transactional
  public WorkRequestView create(NewWorkRequest request, Caller caller) {
    return lifecycle.create(request, caller, null).workRequests().values().iterator().next();
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
      int limit,
      Caller caller) {
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
        repository
            .page(
                status,
                taskType,
                taskName,
                workspace,
                parentId,
                before,
                limit,
                visibleWorkspaces(caller, workspace))
            .stream()
            .map(WorkRequestView::of)
            .toList();
    Long next = items.size() == limit ? items.get(items.size() - 1).id() : null;
    return new Page(items, next);
  }

  /**
   * The workspaces a caller may list, null for any: a user's workspaces (the one asked for must be
   * among them); a work request token lists nothing.
   */
  private static List<String> visibleWorkspaces(Caller caller, String workspace) {
    if (WorkRequestAccess.isService(caller)) {
      return null;
    }
    if (caller.kind() != Caller.Kind.USER) {
      throw ApiException.forbidden("a work request token only reads its own work request");
    }
    if (workspace != null) {
      WorkRequestAccess.checkRead(caller, -1, workspace);
      return List.of(workspace);
    }
    return List.copyOf(caller.roles().keySet());
  }

  @Transactional
  public WorkRequestView get(long id, Caller caller) {
    if (caller.kind() == Caller.Kind.WORK_REQUEST) {
      WorkRequestAccess.checkRead(caller, id, null); // before the lookup: no existence leak
    }
    WorkRequestEntity wr =
        repository
            .findByIdOptional(id)
            .orElseThrow(() -> ApiException.notFound("work request " + id));
    WorkRequestAccess.checkRead(caller, id, wr.workspace);
    return WorkRequestView.of(wr);
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
    // The root workflow's lock first, as every lifecycle change: dependents are decided below.
    lifecycleRepository.lockRootsOf(List.of(workRequestId));
    WorkRequestEntity wr =
        repository
            .findForUpdate(workRequestId)
            .orElseThrow(() -> ApiException.notFound("work request " + workRequestId));
    try (LogContext ignored = LogContext.workRequest(workRequestId, attempt)) {
      WorkRequestResult recorded =
          wr.result.isEmpty() ? null : WorkRequestResult.fromWire(wr.result);
      LeaseRules.Report report =
          LeaseRules.checkReport(
              workRequestId,
              WorkRequestStatus.fromWire(wr.status),
              recorded,
              wr.workerId,
              wr.attempt,
              workerId,
              attempt,
              result);
      if (report == LeaseRules.Report.DUPLICATE) {
        return WorkRequestView.of(wr); // a retried report of what is already recorded
      }
      wr.status = WorkRequestStatus.COMPLETED.wire();
      wr.result = result.wire();
      wr.completedAt = Instant.now();
      wr.leaseExpiresAt = null;
      wr.outputData = outputData;
      events.completed(wr);
      repository.flush();
      lifecycle.finished(List.of(workRequestId));
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
