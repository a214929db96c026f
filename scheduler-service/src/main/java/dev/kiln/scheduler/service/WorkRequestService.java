package dev.kiln.scheduler.service;

import dev.kiln.common.auth.Caller;
import dev.kiln.common.auth.Tokens;
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
import dev.kiln.scheduler.repository.WorkerRepository;
import dev.kiln.task.TaskType;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
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

  /**
   * Fired inside a transaction that only freed worker slots (reports of requests outside any
   * workflow, which end nothing else): the dispatcher looks again, the lifecycle router and the
   * preparer have nothing new to do (waking them after every report batch cost a dozen statements).
   */
  public record WorkerRoom() {}

  @Inject WorkRequestRepository repository;
  @Inject WorkRequestEvents events;
  @Inject MeterRegistry registry;
  @Inject Event<WorkAvailable> workAvailable;
  @Inject Event<WorkerRoom> workerRoom;
  @Inject LifecycleService lifecycle;
  @Inject LifecycleRepository lifecycleRepository;
  @Inject WorkerRepository workers;

  private static boolean isWorkerRun(String taskType) {
    return "worker".equals(taskType) || "signing".equals(taskType);
  }

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

  /** A result an agent reported for one attempt, as it came in (its token not checked yet). */
  public record Report(
      String workerToken,
      long workRequestId,
      int attempt,
      WorkRequestResult result,
      Map<String, Object> outputData) {}

  /**
   * How one report was taken: {@code error} null when it was recorded (or was the same report
   * again), else why it was refused.
   */
  public record Reported(long workerId, String status, String result, RuntimeException error) {

    static Reported refused(RuntimeException error) {
      return new Reported(-1, null, null, error);
    }
  }

  /**
   * Records the results agents reported, many in one transaction with a fixed number of statements
   * (token check, root locks, row locks, one update, one outbox insert, propagation). Each report
   * is checked on its own ({@link LeaseRules#checkReport}): reporting the same outcome for the same
   * attempt again is accepted and changes nothing; a report for another attempt, from another
   * worker, or with a token that is not valid, is refused — without refusing the others.
   *
   * @return one outcome per report, in order
   */
  @Transactional
  public List<Reported> completeAll(List<Report> reports) {
    List<Reported> out = new java.util.ArrayList<>(reports.size());
    String[] hashes =
        reports.stream()
            .map(r -> r.workerToken() == null ? "" : Tokens.hash(r.workerToken()))
            .distinct()
            .toArray(String[]::new);
    Map<String, WorkerRepository.TokenOwner> owners = workers.byTokenHashes(hashes);
    Long[] ids =
        reports.stream().map(Report::workRequestId).distinct().sorted().toArray(Long[]::new);
    // The root workflows' locks first, as every lifecycle change (dependents are decided below),
    // then the rows: one statement
    Map<Long, WorkRequestRepository.Reported> rows = repository.lockForReports(ids);
    Map<Long, String> accepted = new java.util.LinkedHashMap<>();
    Map<Long, Map<String, Object>> outputs = new java.util.HashMap<>();
    for (Report r : reports) {
      try (LogContext ignored = LogContext.workRequest(r.workRequestId(), r.attempt())) {
        WorkerRepository.TokenOwner owner =
            r.workerToken() == null ? null : owners.get(Tokens.hash(r.workerToken()));
        if (owner == null) {
          throw ApiException.unauthenticated("the worker token is not valid");
        }
        if (!owner.enabled()) {
          throw ApiException.forbidden("worker '" + owner.name() + "' is disabled");
        }
        WorkRequestRepository.Reported wr = rows.get(r.workRequestId());
        if (wr == null) {
          throw ApiException.notFound("work request " + r.workRequestId());
        }
        WorkRequestResult recorded =
            wr.result().isEmpty() ? null : WorkRequestResult.fromWire(wr.result());
        LeaseRules.Report check =
            LeaseRules.checkReport(
                wr.id(),
                WorkRequestStatus.fromWire(wr.status()),
                recorded,
                wr.workerId(),
                wr.attempt(),
                owner.id(),
                r.attempt(),
                r.result());
        if (check == LeaseRules.Report.ACCEPT) {
          // later reports of the same batch see it recorded
          rows.put(
              wr.id(),
              new WorkRequestRepository.Reported(
                  wr.id(),
                  WorkRequestStatus.COMPLETED.wire(),
                  r.result().wire(),
                  wr.workerId(),
                  wr.attempt(),
                  wr.taskType()));
          accepted.put(wr.id(), r.result().wire());
          outputs.put(wr.id(), r.outputData() == null ? Map.of() : r.outputData());
          LOG.debugf("completed with %s", r.result().wire());
        }
        WorkRequestRepository.Reported now = rows.get(wr.id());
        out.add(new Reported(owner.id(), now.status(), now.result(), null));
      } catch (ApiException e) {
        out.add(Reported.refused(e));
      }
    }
    if (accepted.isEmpty()) {
      return out;
    }
    Long[] done = accepted.keySet().toArray(new Long[0]);
    String[] results = accepted.values().toArray(new String[0]);
    String[] outputJson = new String[done.length];
    for (int i = 0; i < done.length; i++) {
      outputJson[i] = json(outputs.get(done[i]));
    }
    LifecycleRepository.Completion completion =
        lifecycleRepository.completeRunning(done, results, outputJson);
    List<LifecycleRepository.Changed> changed = completion.changed();
    events.completedAll(changed, outputs);
    // only what has a parent or dependents can change anything else: the others cost no query
    lifecycle.finished(completion.propagating());
    for (LifecycleRepository.Changed c : changed) {
      completedCounter(c.taskType(), c.result()).increment();
    }
    boolean endsMore = false;
    for (LifecycleRepository.Changed c : changed) {
      // a workflow's child may end its workflow; a server task or callback lets the next go
      endsMore |= c.rootId() != null || c.parentId() != null || !isWorkerRun(c.taskType());
    }
    if (endsMore) {
      workAvailable.fire(new WorkAvailable()); // the workers have room again, and more
    } else {
      workerRoom.fire(new WorkerRoom()); // the workers have room again
    }
    return out;
  }

  private final Map<String, io.micrometer.core.instrument.Counter> completedCounters =
      new java.util.concurrent.ConcurrentHashMap<>();

  private io.micrometer.core.instrument.Counter completedCounter(String taskType, String result) {
    return completedCounters.computeIfAbsent(
        taskType + "/" + result,
        k ->
            registry.counter(
                "kiln_work_requests_completed_total", "task_type", taskType, "result", result));
  }

  private static String json(Map<String, Object> value) {
    try {
      return dev.kiln.task.TaskJson.mapper().writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw ApiException.invalidField("output_data", "cannot be stored as JSON");
    }
  }
}
