package dev.kiln.scheduler.grpc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.scheduler.v1.Abort;
import dev.kiln.api.scheduler.v1.AgentMessage;
import dev.kiln.api.scheduler.v1.Assignment;
import dev.kiln.api.scheduler.v1.ServerMessage;
import dev.kiln.api.scheduler.v1.Welcome;
import dev.kiln.common.log.LogContext;
import dev.kiln.scheduler.config.SchedulerConfig;
import dev.kiln.scheduler.repository.WorkerEntity;
import dev.kiln.scheduler.service.AgentChannel;
import dev.kiln.scheduler.service.AgentSessions;
import dev.kiln.scheduler.service.AssignmentView;
import dev.kiln.scheduler.service.Dispatcher;
import dev.kiln.scheduler.service.LiveLogService;
import dev.kiln.scheduler.service.WorkerService;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
import org.eclipse.microprofile.context.ManagedExecutor;
import org.jboss.logging.Logger;

/**
 * One agent's stream. Incoming messages are handled in order on a worker thread (they touch the
 * database); outgoing messages are serialised because a gRPC stream is not thread-safe.
 */
final class AgentStream implements StreamObserver<AgentMessage>, AgentChannel {

  private static final Logger LOG = Logger.getLogger(AgentStream.class);

  private final ServerCallStreamObserver<ServerMessage> out;
  private final String token;
  private final WorkerService workers;
  private final AgentSessions sessions;
  private final Dispatcher dispatcher;
  private final SchedulerConfig config;
  private final ObjectMapper mapper;
  private final ManagedExecutor executor;
  private final LiveLogService logs;
  private final int maxPendingLogBatches;
  private final java.util.concurrent.atomic.AtomicInteger pendingLogBatches =
      new java.util.concurrent.atomic.AtomicInteger();
  private final Object sendLock = new Object();
  private java.util.concurrent.CompletableFuture<Void> inbound =
      java.util.concurrent.CompletableFuture.completedFuture(null);

  private volatile long workerId = -1;
  private volatile int concurrency = 1;
  private volatile boolean closed;
  private volatile boolean draining;

  AgentStream(
      ServerCallStreamObserver<ServerMessage> out,
      String token,
      WorkerService workers,
      AgentSessions sessions,
      Dispatcher dispatcher,
      SchedulerConfig config,
      ObjectMapper mapper,
      ManagedExecutor executor,
      LiveLogService logs,
      int maxPendingLogBatches) {
    this.out = out;
    this.logs = logs;
    this.maxPendingLogBatches = maxPendingLogBatches;
    this.token = token;
    this.workers = workers;
    this.sessions = sessions;
    this.dispatcher = dispatcher;
    this.config = config;
    this.mapper = mapper;
    this.executor = executor;
    out.setOnCancelHandler(this::onGone);
  }

  @Override
  public long workerId() {
    return workerId;
  }

  @Override
  public synchronized void onNext(AgentMessage message) {
    if (message.getBodyCase() == AgentMessage.BodyCase.LOG_LINES) {
      // Bounded: a batch beyond the limit is dropped here, and shows as a gap in the stored log.
      if (pendingLogBatches.incrementAndGet() > maxPendingLogBatches) {
        pendingLogBatches.decrementAndGet();
        LOG.debugf(
            "dropping a live log batch of work request %d: too many waiting",
            message.getLogLines().getWorkRequestId());
        return;
      }
    }
    inbound = inbound.thenRunAsync(() -> handle(message), executor);
  }

  private void handle(AgentMessage message) {
    if (closed) {
      return;
    }
    try {
      switch (message.getBodyCase()) {
        case HELLO -> hello(message);
        case HEARTBEAT -> heartbeat(message);
        case LOG_LINES -> logLines(message);
        case DRAIN -> drain();
        case RELEASE -> release(message);
        default -> LOG.debugf("ignoring agent message %s", message.getBodyCase());
      }
    } catch (RuntimeException e) {
      fail(GrpcErrors.toStatus(e));
    }
  }

  private void hello(AgentMessage message) {
    WorkerEntity worker = workers.authenticate(token);
    workerId = worker.id;
    concurrency = Math.max(1, message.getHello().getConcurrency());
    workers.connected(
        worker.id, reportedTags(message.getHello()), message.getHello().getConcurrency());
    sessions.add(this);
    send(
        ServerMessage.newBuilder()
            .setWelcome(
                Welcome.newBuilder()
                    .setWorkerId(worker.id)
                    .setHeartbeatIntervalSeconds(
                        (int) Math.max(1, config.heartbeatInterval().toSeconds())))
            .build());
    try (LogContext ignored = LogContext.worker(worker.id)) {
      LOG.infof(
          "worker '%s' connected (concurrency %d, tags %s)",
          worker.name,
          message.getHello().getConcurrency(),
          message.getHello().getProvidedTagsList());
    }
    dispatcher.markFree(worker.id);
  }

  /**
   * The provided tags of a Hello plus those its system facts imply (architectures, executors,
   * tools).
   */
  static java.util.Set<String> reportedTags(dev.kiln.api.scheduler.v1.Hello hello) {
    java.util.Set<String> tags = new java.util.TreeSet<>(hello.getProvidedTagsList());
    if (hello.hasSystem()) {
      var system = hello.getSystem();
      system.getArchitecturesList().forEach(a -> tags.add(dev.kiln.task.Tags.architecture(a)));
      system.getExecutorsList().forEach(e -> tags.add(dev.kiln.task.Tags.executor(e)));
      system
          .getToolsMap()
          .forEach(
              (name, version) -> {
                tags.add(dev.kiln.task.Tags.tool(name));
                if (!version.isBlank()) {
                  tags.add(dev.kiln.task.Tags.toolVersion(name, version));
                }
              });
    }
    return tags;
  }

  private void heartbeat(AgentMessage message) {
    if (workerId < 0) {
      throw new io.grpc.StatusRuntimeException(
          Status.FAILED_PRECONDITION.withDescription("send hello first"));
    }
    List<WorkerService.Lease> leases =
        message.getHeartbeat().getLeasesList().stream()
            .map(l -> new WorkerService.Lease(l.getWorkRequestId(), l.getAttempt()))
            .toList();
    List<WorkerService.Lease> stale = workers.heartbeat(workerId, leases);
    for (WorkerService.Lease s : stale) {
      abort(s.workRequestId(), s.attempt(), "this attempt is no longer assigned to you");
    }
    if (leases.size() - stale.size() < concurrency) {
      dispatcher.markFree(workerId); // it says it has room: whatever this replica believed
    }
  }

  /** The agent drains: no more assignments for it here (it stays out of the dispatch set). */
  private void drain() {
    if (workerId < 0) {
      throw new io.grpc.StatusRuntimeException(
          Status.FAILED_PRECONDITION.withDescription("send hello first"));
    }
    draining = true;
    sessions.remove(this);
    try (LogContext ignored = LogContext.worker(workerId)) {
      LOG.info("worker is draining: nothing more is assigned to it");
    }
  }

  /** An assignment the agent will not run goes back to pending, no retry counted. */
  private void release(AgentMessage message) {
    if (workerId < 0) {
      throw new io.grpc.StatusRuntimeException(
          Status.FAILED_PRECONDITION.withDescription("send hello first"));
    }
    var r = message.getRelease();
    try (LogContext ignored = LogContext.workRequest(r.getWorkRequestId(), r.getAttempt())) {
      LOG.infof("the agent handed the assignment back: %s", r.getReason());
    }
    dispatcher.release(r.getWorkRequestId(), r.getAttempt(), workerId);
  }

  /** Stores a live log batch; a batch that cannot be stored is dropped, the stream stays. */
  private void logLines(AgentMessage message) {
    var batch = message.getLogLines();
    try {
      if (workerId < 0) {
        LOG.debug("a live log batch before hello: dropped");
        return;
      }
      if (logs.append(
              workerId,
              batch.getWorkRequestId(),
              batch.getAttempt(),
              batch.getFirstLine(),
              batch.getLinesList())
          > 0) {
        logs.wake(batch.getWorkRequestId());
      }
    } catch (RuntimeException e) {
      LOG.warnf(
          "live log batch of work request %d not stored: %s",
          batch.getWorkRequestId(), e.getMessage());
    } finally {
      pendingLogBatches.decrementAndGet();
    }
  }

  @Override
  public boolean push(AssignmentView a) {
    try {
      return send(
          ServerMessage.newBuilder()
              .setAssignment(
                  Assignment.newBuilder()
                      .setWorkRequestId(a.workRequestId())
                      .setAttempt(a.attempt())
                      .setTaskType(a.taskType())
                      .setTaskName(a.taskName())
                      .setTaskDataJson(mapper.writeValueAsString(a.taskData()))
                      .setDynamicTaskDataJson(mapper.writeValueAsString(a.dynamicTaskData()))
                      .setWorkspace(a.workspace())
                      .setArtifactToken(a.artifactToken()))
              .build());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("task data cannot be serialised", e);
    }
  }

  @Override
  public void abort(long workRequestId, int attempt, String reason) {
    dispatcher.markFree(workerId); // the aborted attempt no longer takes a slot
    send(
        ServerMessage.newBuilder()
            .setAbort(
                Abort.newBuilder()
                    .setWorkRequestId(workRequestId)
                    .setAttempt(attempt)
                    .setReason(reason))
            .build());
  }

  private boolean send(ServerMessage message) {
    synchronized (sendLock) {
      if (closed || out.isCancelled()) {
        return false;
      }
      try {
        out.onNext(message);
        return true;
      } catch (RuntimeException e) {
        onGone();
        return false;
      }
    }
  }

  private void fail(io.grpc.StatusRuntimeException status) {
    synchronized (sendLock) {
      if (!closed) {
        closed = true;
        try {
          out.onError(status);
        } catch (RuntimeException ignored) {
          // already gone
        }
      }
    }
    onGone();
  }

  @Override
  public void onError(Throwable t) {
    onGone();
  }

  @Override
  public void onCompleted() {
    synchronized (sendLock) {
      if (!closed) {
        closed = true;
        out.onCompleted();
      }
    }
    onGone();
  }

  private void onGone() {
    closed = true;
    // a draining stream left the sessions already; its worker is gone now unless it reconnected
    boolean drainedOut = draining && workerId >= 0 && sessions.get(workerId).isEmpty();
    if (workerId >= 0 && (sessions.remove(this) || drainedOut)) {
      long id = workerId;
      executor.execute(
          () -> {
            workers.disconnected(id);
            try (LogContext ignored = LogContext.worker(id)) {
              LOG.info("worker disconnected; its leases run on until they expire");
            }
          });
    }
  }
}
