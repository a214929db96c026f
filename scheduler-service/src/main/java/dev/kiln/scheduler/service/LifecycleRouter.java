package dev.kiln.scheduler.service;

import dev.kiln.scheduler.config.SchedulerConfig;
import dev.kiln.scheduler.domain.DependencyNode;
import dev.kiln.scheduler.domain.DependencyRules;
import dev.kiln.scheduler.domain.TaskTypeRules;
import dev.kiln.scheduler.domain.TaskTypeRules.Route;
import dev.kiln.scheduler.domain.UnblockStrategy;
import dev.kiln.scheduler.domain.WorkRequestResult;
import dev.kiln.scheduler.domain.WorkRequestStatus;
import dev.kiln.scheduler.repository.LifecycleRepository;
import dev.kiln.scheduler.repository.LifecycleRepository.Changed;
import dev.kiln.scheduler.repository.LifecycleRepository.Node;
import dev.kiln.scheduler.repository.WorkRequestEntity;
import dev.kiln.scheduler.repository.WorkRequestRepository;
import dev.kiln.task.TaskType;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/**
 * Routes pending work requests that need no worker agent, by {@link TaskTypeRules#route}: each step
 * is one transaction with a fixed number of statements for its whole batch. Workflows start (and
 * the workflow service gets a {@code workflow.orchestrate.v1} command), synchronization points
 * complete at once, wait tasks run, due delays complete, server tasks go to the workflow service's
 * runners ({@code work-request.server-task.v1}), and at most one callback per workflow is in
 * flight. One replica routes at a time (an advisory lock); the others skip the pass.
 */
@ApplicationScoped
public class LifecycleRouter {

  private static final Logger LOG = Logger.getLogger(LifecycleRouter.class);
  private static final String PENDING = WorkRequestStatus.PENDING.wire();
  private static final int MAX_ROUNDS = 100;

  @Inject LifecycleRepository lifecycle;
  @Inject LifecycleService service;
  @Inject WorkRequestRepository repository;
  @Inject WorkRequestEvents events;
  @Inject SchedulerConfig config;
  @Inject jakarta.enterprise.event.Event<WorkRequestService.WorkAvailable> workAvailable;

  private WakeableLoop loop;

  void start(@Observes StartupEvent event) {
    loop = new WakeableLoop("kiln-lifecycle", config.lifecycleInterval(), this::routeAll, LOG);
    loop.start();
  }

  void stop(@Observes ShutdownEvent event) {
    loop.stop();
  }

  void onWorkAvailable(
      @Observes(during = TransactionPhase.AFTER_SUCCESS) WorkRequestService.WorkAvailable event) {
    wakeUp();
  }

  public void wakeUp() {
    if (loop != null) {
      loop.wakeUp();
    }
  }

  /** Runs the steps until none changes anything (a completed sync point may unblock another). */
  void routeAll() {
    for (int round = 0; round < MAX_ROUNDS; round++) {
      int changed =
          startWorkflows()
              + completeSynchronizationPoints()
              + startWaits()
              + completeDueDelays(Instant.now())
              + sendServerTasks()
              + startCallbacks();
      if (changed == 0) {
        return;
      }
    }
  }

  private static WorkRequestStatus target(TaskType type, String name) {
    Route route = TaskTypeRules.route(type, name);
    return WorkRequestStatus.PENDING.transitionTo(route.nextStatus());
  }

  @Transactional
  int startWorkflows() {
    if (!lifecycle.tryRouterLock()) {
      return 0;
    }
    List<Long> ids =
        lifecycle.ids("status = 'pending' AND task_type = 'workflow'", config.lifecycleBatchSize());
    if (ids.isEmpty()) {
      return 0;
    }
    lifecycle.lockRootsOf(ids);
    List<Changed> started =
        lifecycle.transition(ids, List.of(PENDING), target(TaskType.WORKFLOW, "").wire(), null);
    events.statusChangedAll(started, PENDING, "workflow started");
    events.orchestrateAll(started);
    // Children wait for their workflow to run: those whose dependencies are satisfied go on.
    Map<Long, Node> children =
        lifecycle.blockedChildren(started.stream().map(Changed::id).toList());
    Map<Long, List<Long>> deps = lifecycle.dependenciesOf(children.keySet());
    Set<Long> depIds = new HashSet<>();
    deps.values().forEach(depIds::addAll);
    Map<Long, Node> depNodes = lifecycle.nodes(depIds);
    List<Long> unblock = new ArrayList<>();
    for (Node c : children.values()) {
      List<DependencyNode> ds = new ArrayList<>();
      for (Long d : deps.getOrDefault(c.id(), List.of())) {
        ds.add(LifecycleService.dependencyNode(depNodes.get(d)));
      }
      WorkRequestStatus s =
          DependencyRules.initialStatus(UnblockStrategy.fromWire(c.unblockStrategy()), true, ds);
      if (s == WorkRequestStatus.PENDING) {
        unblock.add(c.id());
      }
    }
    List<Changed> unblocked =
        lifecycle.transition(
            unblock,
            List.of(WorkRequestStatus.BLOCKED.wire()),
            WorkRequestStatus.BLOCKED.transitionTo(WorkRequestStatus.PENDING).wire(),
            null);
    events.statusChangedAll(unblocked, WorkRequestStatus.BLOCKED.wire(), "workflow started");
    if (!unblocked.isEmpty()) {
      workAvailable.fire(new WorkRequestService.WorkAvailable()); // preparer and dispatcher
    }
    return started.size() + unblocked.size();
  }

  @Transactional
  int completeSynchronizationPoints() {
    if (!lifecycle.tryRouterLock()) {
      return 0;
    }
    List<Long> ids =
        lifecycle.ids(
            "status = 'pending' AND task_type = 'internal' AND task_name = '"
                + TaskTypeRules.SYNCHRONIZATION_POINT
                + "'",
            config.lifecycleBatchSize());
    if (ids.isEmpty()) {
      return 0;
    }
    return completeWithSuccess(
        ids,
        WorkRequestStatus.PENDING,
        target(TaskType.INTERNAL, TaskTypeRules.SYNCHRONIZATION_POINT));
  }

  @Transactional
  int startWaits() {
    if (!lifecycle.tryRouterLock()) {
      return 0;
    }
    List<Long> ids =
        lifecycle.ids("status = 'pending' AND task_type = 'wait'", config.lifecycleBatchSize());
    if (ids.isEmpty()) {
      return 0;
    }
    // Both wait routes (timer and API) run without a worker.
    List<Changed> started =
        lifecycle.transition(
            ids, List.of(PENDING), target(TaskType.WAIT, TaskTypeRules.DELAY).wire(), null);
    events.statusChangedAll(started, PENDING, "waiting");
    return started.size();
  }

  @Transactional
  int completeDueDelays(Instant now) {
    if (!lifecycle.tryRouterLock()) {
      return 0;
    }
    List<Long> ids = lifecycle.dueDelays(now, config.lifecycleBatchSize());
    if (ids.isEmpty()) {
      return 0;
    }
    return completeWithSuccess(
        ids,
        WorkRequestStatus.RUNNING,
        WorkRequestStatus.RUNNING.transitionTo(WorkRequestStatus.COMPLETED));
  }

  /** Completes these with success in one statement, then propagates to their dependents. */
  private int completeWithSuccess(List<Long> ids, WorkRequestStatus from, WorkRequestStatus to) {
    lifecycle.lockRootsOf(ids);
    List<Changed> done =
        lifecycle.transition(
            ids, List.of(from.wire()), to.wire(), WorkRequestResult.SUCCESS.wire());
    events.completedAll(done, Map.of());
    service.finished(done.stream().map(Changed::id).toList());
    return done.size();
  }

  @Transactional
  int sendServerTasks() {
    if (!lifecycle.tryRouterLock()) {
      return 0;
    }
    List<Long> ids =
        lifecycle.ids(
            "status = 'pending' AND task_type = 'server' AND prepared_at IS NOT NULL",
            config.lifecycleBatchSize());
    if (ids.isEmpty()) {
      return 0;
    }
    List<Changed> sent = lifecycle.startServerTasks(ids, target(TaskType.SERVER, "").wire());
    Map<Long, WorkRequestEntity> entities = new HashMap<>();
    for (WorkRequestEntity e : repository.list("id in ?1", ids)) {
      entities.put(e.id, e);
    }
    events.statusChangedAll(sent, PENDING, "sent to a server-task runner");
    events.serverTasksAll(sent, entities);
    return sent.size();
  }

  @Transactional
  int startCallbacks() {
    if (!lifecycle.tryRouterLock()) {
      return 0;
    }
    List<long[]> pending = lifecycle.pendingCallbacks(config.lifecycleBatchSize());
    if (pending.isEmpty()) {
      return 0;
    }
    List<TaskTypeRules.Callback> callbacks = new ArrayList<>();
    Set<Long> workflows = new TreeSet<>();
    for (long[] p : pending) {
      callbacks.add(new TaskTypeRules.Callback(p[0], p[1]));
      workflows.add(p[1]);
    }
    Set<Long> busy = new HashSet<>(lifecycle.workflowsWithCallbackRunning(workflows));
    List<Long> start = TaskTypeRules.startableCallbacks(callbacks, busy);
    if (start.isEmpty()) {
      return 0;
    }
    lifecycle.lockRootsOf(start);
    List<Changed> started =
        lifecycle.transition(
            start,
            List.of(PENDING),
            target(TaskType.INTERNAL, TaskTypeRules.WORKFLOW_CALLBACK).wire(),
            null);
    events.statusChangedAll(started, PENDING, "callback sent to the workflow service");
    events.orchestrateAll(started);
    return started.size();
  }
}
