package dev.kiln.agent.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.agent.task.TaskContext;
import dev.kiln.agent.task.TaskOutcome;
import dev.kiln.agent.task.TaskRegistry;
import dev.kiln.agent.task.WorkerTask;
import dev.kiln.api.scheduler.v1.AgentMessage;
import dev.kiln.api.scheduler.v1.Assignment;
import dev.kiln.api.scheduler.v1.CompleteWorkRequestRequest;
import dev.kiln.api.scheduler.v1.Heartbeat;
import dev.kiln.api.scheduler.v1.Hello;
import dev.kiln.api.scheduler.v1.Lease;
import dev.kiln.api.scheduler.v1.RegisterRequest;
import dev.kiln.api.scheduler.v1.RegisterResponse;
import dev.kiln.api.scheduler.v1.ServerMessage;
import dev.kiln.api.scheduler.v1.WorkResult;
import dev.kiln.api.scheduler.v1.WorkerAgentServiceGrpc;
import dev.kiln.common.log.LogContext;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * The agent: registers, keeps the stream to the scheduler open (reconnecting with backoff),
 * heartbeats its leases, runs assignments, uploads their logs and reports their results — each
 * report carrying the attempt number, retried until the scheduler has it. Plain Java, no framework:
 * the Quarkus layer only wires it.
 */
public final class AgentCore implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(AgentCore.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final String VERSION = "0.1.0";

  /**
   * What the agent needs to know.
   *
   * @param registrationToken the pre-shared token to register with
   * @param workerName the worker's stable name
   * @param concurrency how many work requests run at once
   * @param workDir where attempts get their private directories
   * @param maxBackoff the longest wait between reconnection attempts
   */
  public record Settings(
      String registrationToken,
      String workerName,
      int concurrency,
      Path workDir,
      Duration maxBackoff) {}

  private record Running(int attempt, Future<?> future, AtomicBoolean aborted) {}

  private final Settings settings;
  private final TaskRegistry tasks;
  private final ArtifactUploader uploader;
  private final ManagedChannel channel;
  private final WorkerAgentServiceGrpc.WorkerAgentServiceBlockingStub blocking;
  private final WorkerAgentServiceGrpc.WorkerAgentServiceStub async;
  private final ExecutorService taskPool;
  private final ScheduledExecutorService timers =
      Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "kiln-agent-heartbeat"));
  private final Map<Long, Running> running = new ConcurrentHashMap<>();
  private final Object sendLock = new Object();

  private volatile String workerToken;
  private volatile boolean stopping;
  private volatile boolean connected;
  private volatile StreamObserver<AgentMessage> out;
  private volatile CountDownLatch streamEnded;
  private Thread connectionThread;

  public AgentCore(
      Settings settings, TaskRegistry tasks, ArtifactUploader uploader, ManagedChannel channel) {
    this.settings = settings;
    this.tasks = tasks;
    this.uploader = uploader;
    this.channel = channel;
    ClientInterceptor auth = new BearerInterceptor();
    this.blocking = WorkerAgentServiceGrpc.newBlockingStub(channel).withInterceptors(auth);
    this.async = WorkerAgentServiceGrpc.newStub(channel).withInterceptors(auth);
    this.taskPool =
        Executors.newFixedThreadPool(settings.concurrency(), r -> daemon(r, "kiln-agent-task"));
  }

  /** Starts connecting in the background. */
  public synchronized void start() {
    if (connectionThread == null) {
      connectionThread = daemon(this::connectionLoop, "kiln-agent-connection");
      connectionThread.start();
    }
  }

  /** Whether the agent holds an open stream the scheduler has welcomed. */
  public boolean connected() {
    return connected;
  }

  /** Work requests running now. */
  public int runningCount() {
    return running.size();
  }

  private void connectionLoop() {
    long backoffMs = 500;
    while (!stopping) {
      try {
        if (workerToken == null) {
          register();
        }
        if (runStream()) {
          backoffMs = 500; // it was welcomed: start over with a short wait
        }
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.UNAUTHENTICATED) {
          workerToken = null; // register again
        }
        LOG.warnf("scheduler unreachable (%s)", e.getStatus());
      } catch (RuntimeException e) {
        LOG.warn("connection failed", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (stopping) {
        return;
      }
      long sleep = backoffMs / 2 + ThreadLocalRandom.current().nextLong(backoffMs / 2 + 1);
      try {
        Thread.sleep(sleep);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      backoffMs = Math.min(backoffMs * 2, settings.maxBackoff().toMillis());
    }
  }

  private void register() {
    RegisterResponse r =
        WorkerAgentServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .register(
                RegisterRequest.newBuilder()
                    .setRegistrationToken(settings.registrationToken())
                    .setName(settings.workerName())
                    .setWorkerType("worker")
                    .build());
    workerToken = r.getWorkerToken();
    LOG.infof("registered as worker %d ('%s')", r.getWorkerId(), settings.workerName());
  }

  /** Runs one stream until it ends; true if the scheduler welcomed it. */
  private boolean runStream() throws InterruptedException {
    CountDownLatch ended = new CountDownLatch(1);
    AtomicBoolean welcomed = new AtomicBoolean();
    ScheduledFuture<?>[] heartbeat = new ScheduledFuture<?>[1];
    streamEnded = ended;
    StreamObserver<AgentMessage> stream =
        async.connect(
            new StreamObserver<>() {
              @Override
              public void onNext(ServerMessage m) {
                switch (m.getBodyCase()) {
                  case WELCOME -> {
                    welcomed.set(true);
                    connected = true;
                    int every = Math.max(1, m.getWelcome().getHeartbeatIntervalSeconds());
                    heartbeat[0] =
                        timers.scheduleAtFixedRate(
                            AgentCore.this::sendHeartbeat, 0, every, TimeUnit.SECONDS);
                    LOG.infof(
                        "connected to the scheduler as worker %d", m.getWelcome().getWorkerId());
                  }
                  case ASSIGNMENT -> onAssignment(m.getAssignment());
                  case ABORT ->
                      onAbort(
                          m.getAbort().getWorkRequestId(),
                          m.getAbort().getAttempt(),
                          m.getAbort().getReason());
                  default -> LOG.debugf("ignoring %s", m.getBodyCase());
                }
              }

              @Override
              public void onError(Throwable t) {
                Status status = Status.fromThrowable(t);
                if (status.getCode() == Status.Code.UNAUTHENTICATED) {
                  workerToken = null;
                }
                if (!stopping) {
                  LOG.warnf("stream to the scheduler broke: %s", status);
                }
                ended.countDown();
              }

              @Override
              public void onCompleted() {
                ended.countDown();
              }
            });
    out = stream;
    send(
        AgentMessage.newBuilder()
            .setHello(
                Hello.newBuilder()
                    .addAllProvidedTags(Capabilities.discover(tasks))
                    .setConcurrency(settings.concurrency())
                    .setAgentVersion(VERSION))
            .build());
    ended.await();
    connected = false;
    out = null;
    if (heartbeat[0] != null) {
      heartbeat[0].cancel(false);
    }
    return welcomed.get();
  }

  private void sendHeartbeat() {
    Heartbeat.Builder hb = Heartbeat.newBuilder();
    running.forEach(
        (id, r) -> hb.addLeases(Lease.newBuilder().setWorkRequestId(id).setAttempt(r.attempt())));
    send(AgentMessage.newBuilder().setHeartbeat(hb).build());
  }

  private void send(AgentMessage message) {
    synchronized (sendLock) {
      StreamObserver<AgentMessage> stream = out;
      if (stream != null) {
        try {
          stream.onNext(message);
        } catch (RuntimeException e) {
          LOG.debugf("could not send %s: %s", message.getBodyCase(), e.getMessage());
        }
      }
    }
  }

  private void onAssignment(Assignment a) {
    if (stopping) {
      LOG.infof("draining: not starting work request %d", a.getWorkRequestId());
      return; // its lease expires and the scheduler hands it to another worker
    }
    AtomicBoolean aborted = new AtomicBoolean();
    Running previous = running.get(a.getWorkRequestId());
    if (previous != null && previous.attempt() == a.getAttempt()) {
      return; // the same assignment again
    }
    Future<?> future = taskPool.submit(() -> execute(a, aborted));
    running.put(a.getWorkRequestId(), new Running(a.getAttempt(), future, aborted));
  }

  private void onAbort(long workRequestId, int attempt, String reason) {
    Running r = running.get(workRequestId);
    if (r != null && r.attempt() == attempt) {
      try (LogContext ignored = LogContext.workRequest(workRequestId, attempt)) {
        LOG.infof("aborting: %s", reason);
      }
      r.aborted().set(true);
      r.future().cancel(true);
      running.remove(workRequestId, r);
    }
  }

  private void execute(Assignment a, AtomicBoolean aborted) {
    long id = a.getWorkRequestId();
    int attempt = a.getAttempt();
    try (LogContext ignored = LogContext.workRequest(id, attempt)) {
      long t0 = System.nanoTime();
      LOG.infof("running %s/%s", a.getTaskType(), a.getTaskName());
      TaskOutcome outcome;
      Long logArtifact = null;
      Path dir = null;
      try {
        dir = Files.createDirectories(settings.workDir().resolve(id + "-" + attempt));
        TaskContext context =
            new TaskContext(
                id, attempt, parse(a.getTaskDataJson()), parse(a.getDynamicTaskDataJson()), dir);
        WorkerTask task = tasks.find(a.getTaskType(), a.getTaskName()).orElse(null);
        if (task == null) {
          Files.writeString(
              context.logFile(),
              "this agent cannot run " + a.getTaskType() + "/" + a.getTaskName() + "\n");
          outcome =
              TaskOutcome.error(
                  "unknown-task",
                  "this agent cannot run " + a.getTaskType() + "/" + a.getTaskName());
        } else {
          outcome = task.run(context);
        }
        if (aborted.get() || Thread.currentThread().isInterrupted()) {
          LOG.info("aborted: nothing is uploaded or reported");
          return;
        }
        if (Files.exists(context.logFile())) {
          logArtifact =
              uploader.upload(
                  a.getArtifactToken(),
                  "debusine:work-request-debug-logs",
                  a.getWorkspace(),
                  id,
                  Map.of(a.getTaskName() + ".log", context.logFile()));
        }
      } catch (InterruptedException e) {
        LOG.info("aborted while running: nothing is uploaded or reported");
        return;
      } catch (IOException | RuntimeException e) {
        if (aborted.get()) {
          return;
        }
        LOG.error("the task failed to run", e);
        outcome = TaskOutcome.error("execute-failed", String.valueOf(e.getMessage()));
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      report(id, attempt, outcome, logArtifact, seconds, aborted);
      deleteQuietly(dir);
    } finally {
      running.computeIfPresent(id, (k, r) -> r.attempt() == attempt ? null : r);
    }
  }

  /** Reports until the scheduler has it; a stale attempt is dropped. */
  private void report(
      long id,
      int attempt,
      TaskOutcome outcome,
      Long logArtifact,
      double seconds,
      AtomicBoolean aborted) {
    ObjectNode output = JSON.createObjectNode();
    if (logArtifact != null) {
      output.putArray("artifacts").add(logArtifact);
    }
    output.putObject("runtime_statistics").put("duration", seconds);
    if (outcome.result() == TaskOutcome.Result.ERROR) {
      output
          .putArray("errors")
          .addObject()
          .put("message", outcome.errorMessage())
          .put("code", outcome.errorCode());
    }
    CompleteWorkRequestRequest request =
        CompleteWorkRequestRequest.newBuilder()
            .setWorkRequestId(id)
            .setAttempt(attempt)
            .setResult(
                switch (outcome.result()) {
                  case SUCCESS -> WorkResult.WORK_RESULT_SUCCESS;
                  case FAILURE -> WorkResult.WORK_RESULT_FAILURE;
                  case ERROR -> WorkResult.WORK_RESULT_ERROR;
                })
            .setOutputDataJson(output.toString())
            .build();
    long backoffMs = 250;
    while (!aborted.get()) {
      try {
        String token = workerToken;
        if (token == null) {
          register();
        }
        blocking.withDeadlineAfter(30, TimeUnit.SECONDS).completeWorkRequest(request);
        LOG.infof("reported %s", outcome.result().name().toLowerCase());
        return;
      } catch (StatusRuntimeException e) {
        switch (e.getStatus().getCode()) {
          case FAILED_PRECONDITION, NOT_FOUND, INVALID_ARGUMENT, PERMISSION_DENIED -> {
            LOG.warnf("the scheduler refused the report: %s", e.getStatus().getDescription());
            return;
          }
          case UNAUTHENTICATED -> workerToken = null;
          default -> LOG.warnf("report failed (%s); retrying", e.getStatus());
        }
      }
      try {
        Thread.sleep(backoffMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      backoffMs = Math.min(backoffMs * 2, settings.maxBackoff().toMillis());
    }
  }

  /**
   * Graceful drain: stop taking work, let running work finish and report for up to {@code grace},
   * then stop.
   */
  public void drain(Duration grace) {
    stopping = true;
    LOG.infof("draining: %d work request(s) running", running.size());
    taskPool.shutdown();
    try {
      if (!taskPool.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("drain timed out: stopping the remaining work; the scheduler will retry it");
        taskPool.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    close();
  }

  @Override
  public void close() {
    stopping = true;
    taskPool.shutdownNow();
    synchronized (sendLock) {
      if (out != null) {
        try {
          out.onCompleted();
        } catch (RuntimeException ignored) {
          // already gone
        }
      }
    }
    CountDownLatch ended = streamEnded;
    if (ended != null) {
      ended.countDown();
    }
    timers.shutdownNow();
    if (connectionThread != null) {
      connectionThread.interrupt();
    }
  }

  private static JsonNode parse(String json) throws IOException {
    return json == null || json.isBlank() ? JSON.createObjectNode() : JSON.readTree(json);
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a leftover directory in the work dir is harmless
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Adds the current worker token to every call. */
  private final class BearerInterceptor implements ClientInterceptor {
    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(
        MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          String token = workerToken;
          if (token != null) {
            headers.put(AUTHORIZATION, "Bearer " + token);
          }
          super.start(listener, headers);
        }
      };
    }
  }

  /** For tests: the tags this agent reports. */
  public List<String> providedTags() {
    return Capabilities.discover(tasks);
  }
}
