package dev.kiln.agent.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.agent.core.AgentListener.AttemptEnd;
import dev.kiln.agent.task.TaskContext;
import dev.kiln.agent.task.TaskError;
import dev.kiln.agent.task.TaskOutcome;
import dev.kiln.agent.task.TaskRegistry;
import dev.kiln.agent.task.WorkerTask;
import dev.kiln.agent.taskio.AttemptArtifacts;
import dev.kiln.agent.taskio.CommandLog;
import dev.kiln.agent.taskio.Relation;
import dev.kiln.api.scheduler.v1.Abort;
import dev.kiln.api.scheduler.v1.Assignment;
import dev.kiln.api.scheduler.v1.CompleteWorkRequestRequest;
import dev.kiln.api.scheduler.v1.Lease;
import dev.kiln.api.scheduler.v1.WorkResult;
import dev.kiln.common.log.LogContext;
import dev.kiln.task.TaskDataException;
import dev.kiln.task.external.ExternalTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Runs assignments on a pool of {@code concurrency} threads: the task, then the upload of its log,
 * then the report. Every log line of an attempt names it (MDC {@value LogContext#KEY}). An aborted
 * attempt is interrupted and neither uploads nor reports afterwards — except a report already sent:
 * it is not interrupted (the scheduler may have recorded it; an interrupted call would end the
 * attempt {@code ABORTED} although it was {@code REPORTED}), only not sent again if it fails.
 */
final class TaskRunner implements SchedulerConnection.Handler {

  private static final Logger LOG = Logger.getLogger(TaskRunner.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String DEBUG_LOG_CATEGORY = "debusine:work-request-debug-logs";

  /** How many ended attempts are remembered, so that a re-sent assignment is not run twice. */
  private static final int REMEMBERED = 1024;

  /** One attempt on this agent, from its assignment until it ends. */
  private static final class Attempt {
    final Assignment assignment;
    final AtomicBoolean started = new AtomicBoolean();
    final AtomicBoolean aborted = new AtomicBoolean();
    // set before its report is sent: an abort then lets the call finish
    final AtomicBoolean reporting = new AtomicBoolean();
    volatile Future<?> future;

    Attempt(Assignment assignment) {
      this.assignment = assignment;
    }

    long id() {
      return assignment.getWorkRequestId();
    }

    int attempt() {
      return assignment.getAttempt();
    }
  }

  private final AgentSettings settings;
  private final TaskRegistry tasks;
  private final ArtifactUploader uploader;
  private final ArtifactDownloader downloader;
  private final Reporter reporter;
  private final AgentListener listener;
  private final LiveLog liveLog;
  private final java.util.function.Consumer<dev.kiln.api.scheduler.v1.AgentMessage> toScheduler;
  private final ExecutorService pool;
  private final Map<Long, Attempt> running = new ConcurrentHashMap<>();
  private final Map<String, Boolean> ended = // guarded by this
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > REMEMBERED;
        }
      };
  private boolean draining; // guarded by this

  TaskRunner(
      AgentSettings settings,
      TaskRegistry tasks,
      ArtifactUploader uploader,
      Reporter reporter,
      AgentListener listener,
      LiveLog liveLog,
      java.util.function.Consumer<dev.kiln.api.scheduler.v1.AgentMessage> toScheduler) {
    this.settings = settings;
    this.liveLog = liveLog;
    this.toScheduler = toScheduler;
    this.tasks = tasks;
    this.uploader = uploader;
    this.downloader = new ArtifactDownloader(uploader.baseUrl());
    this.reporter = reporter;
    this.listener = listener;
    this.pool =
        Executors.newFixedThreadPool(
            settings.concurrency(), r -> AgentCore.daemon(r, "kiln-agent-task"));
  }

  @Override
  public void onAssignment(Assignment a) {
    try (LogContext ignored = LogContext.workRequest(a.getWorkRequestId(), a.getAttempt())) {
      synchronized (this) {
        if (draining) {
          decline(a, "draining: handing this assignment back");
          handBack(a, "the agent is draining");
          return;
        }
        if (ended.containsKey(key(a.getWorkRequestId(), a.getAttempt()))) {
          decline(a, "this attempt has ended here already: ignoring the assignment");
          return;
        }
        Attempt previous = running.get(a.getWorkRequestId());
        if (previous != null) {
          if (previous.attempt() >= a.getAttempt()) {
            decline(
                a, "attempt " + previous.attempt() + " is running here: ignoring the assignment");
            return;
          }
          abort(previous, "superseded by attempt " + a.getAttempt());
        }
        Attempt attempt = new Attempt(a);
        running.put(a.getWorkRequestId(), attempt);
        try {
          attempt.future = pool.submit(() -> execute(attempt));
        } catch (RejectedExecutionException e) {
          running.remove(a.getWorkRequestId(), attempt);
          decline(a, "the agent is stopping: handing this assignment back");
          handBack(a, "the agent is stopping");
        }
      }
    }
  }

  /** Tells the scheduler this attempt will not run here: it goes back to pending, no retry. */
  private void handBack(Assignment a, String why) {
    toScheduler.accept(
        dev.kiln.api.scheduler.v1.AgentMessage.newBuilder()
            .setRelease(
                dev.kiln.api.scheduler.v1.Release.newBuilder()
                    .setWorkRequestId(a.getWorkRequestId())
                    .setAttempt(a.getAttempt())
                    .setReason(why))
            .build());
  }

  private void decline(Assignment a, String why) {
    LOG.info(why);
    listener.assignmentDeclined(a.getWorkRequestId(), a.getAttempt(), why);
  }

  @Override
  public void onAbort(Abort abort) {
    try (LogContext ignored =
        LogContext.workRequest(abort.getWorkRequestId(), abort.getAttempt())) {
      Attempt attempt = running.get(abort.getWorkRequestId());
      if (attempt == null || attempt.attempt() != abort.getAttempt()) {
        LOG.infof("abort of an attempt not running here (%s): ignored", abort.getReason());
        return;
      }
      abort(attempt, abort.getReason());
    }
  }

  private void abort(Attempt attempt, String reason) {
    LOG.infof(
        "aborting attempt %d of work request %d: %s", attempt.attempt(), attempt.id(), reason);
    attempt.aborted.set(true);
    Future<?> future = attempt.future;
    // a report on its way is left to finish (the reporter sends it no more once aborted is set):
    // the scheduler that says "no longer assigned to you" after a restart may be answering a
    // heartbeat that came after this very report was recorded
    if (future != null && !attempt.reporting.get()) {
      future.cancel(true);
    }
    if (attempt.started.compareAndSet(false, true)) {
      finish(attempt, AttemptEnd.ABORTED); // it never started: its thread will not finish it
    }
  }

  @Override
  public List<Lease> leases() {
    List<Lease> leases = new ArrayList<>();
    for (Attempt a : running.values()) {
      if (!a.aborted.get()) {
        leases.add(Lease.newBuilder().setWorkRequestId(a.id()).setAttempt(a.attempt()).build());
      }
    }
    return leases;
  }

  synchronized boolean draining() {
    return draining;
  }

  int runningCount() {
    return running.size();
  }

  private void execute(Attempt attempt) {
    if (!attempt.started.compareAndSet(false, true)) {
      return; // aborted while queued
    }
    try (LogContext ignored = LogContext.workRequest(attempt.id(), attempt.attempt())) {
      AttemptEnd end = AttemptEnd.ABORTED;
      Path dir = settings.workDir().resolve(attempt.id() + "-" + attempt.attempt());
      try {
        end = runUploadAndReport(attempt, dir);
      } catch (InterruptedException e) {
        LOG.info("stopped: nothing more is uploaded or reported");
      } catch (RuntimeException e) {
        LOG.error("unexpected failure: the attempt is left to its lease", e);
      } finally {
        deleteQuietly(dir);
        finish(attempt, end);
      }
    }
  }

  private void finish(Attempt attempt, AttemptEnd end) {
    synchronized (this) {
      running.remove(attempt.id(), attempt);
      ended.put(key(attempt.id(), attempt.attempt()), Boolean.TRUE);
    }
    listener.attemptEnded(attempt.id(), attempt.attempt(), end);
  }

  private AttemptEnd runUploadAndReport(Attempt attempt, Path dir) throws InterruptedException {
    Assignment a = attempt.assignment;
    long started = System.nanoTime();
    LOG.infof("running %s/%s", a.getTaskType(), a.getTaskName());
    TaskRegistry.Entry task = tasks.entry(a.getTaskType(), a.getTaskName()).orElse(null);
    Path log = null;
    TaskOutcome outcome;
    AttemptArtifacts io =
        new AttemptArtifacts(
            new RestArtifactStore(
                uploader,
                downloader,
                a.getArtifactToken(),
                a.getWorkspace(),
                a.getWorkRequestId()));
    if (task == null) {
      outcome =
          TaskOutcome.error(
              "unknown-task", "this agent has no task " + a.getTaskType() + "/" + a.getTaskName());
    } else {
      log = dir.resolve(task.runner().taskName() + ".log");
      outcome = runTask(task, a, dir, log, io);
    }
    if (stopped(attempt)) {
      LOG.info("aborted: nothing is uploaded or reported");
      return AttemptEnd.ABORTED;
    }
    // what the task created, then its debug logs (related to the task's inputs)
    List<Long> artifacts = new ArrayList<>(io.outputs());
    Map<String, Path> logs = debugLogs(log, dir);
    if (!logs.isEmpty()) {
      try {
        long logsId =
            uploader.upload(
                a.getArtifactToken(),
                DEBUG_LOG_CATEGORY,
                a.getWorkspace(),
                a.getWorkRequestId(),
                logs);
        artifacts.add(logsId);
        io.relateToInputs(logsId, Relation.RELATES_TO);
      } catch (IOException e) {
        LOG.error("uploading the log failed", e);
        outcome = outcome.withError("upload-failed", "uploading the log failed: " + e.getMessage());
      }
    }
    if (stopped(attempt)) {
      LOG.info("aborted: the outcome is not reported");
      return AttemptEnd.ABORTED;
    }
    long seconds = Math.round((System.nanoTime() - started) / 1e9);
    LOG.infof("%s in %d s; reporting", outcome.result(), seconds);
    CompleteWorkRequestRequest request =
        CompleteWorkRequestRequest.newBuilder()
            .setWorkRequestId(a.getWorkRequestId())
            .setAttempt(a.getAttempt())
            .setResult(wire(outcome.result()))
            .setOutputDataJson(outputData(outcome, artifacts, seconds))
            .build();
    attempt.reporting.set(true); // before the reporter reads aborted: see abort()
    return switch (reporter.report(request, attempt.aborted::get)) {
      case ACCEPTED -> AttemptEnd.REPORTED;
      case STALE -> AttemptEnd.STALE;
      case REFUSED -> AttemptEnd.REFUSED;
      case CANCELLED -> AttemptEnd.ABORTED;
    };
  }

  /**
   * The attempt's debug logs: the task's log and, when the task ran commands, their logs under
   * {@value CommandLog#DIR}, by their path in the artifact.
   */
  static Map<String, Path> debugLogs(Path log, Path dir) {
    Map<String, Path> logs = new LinkedHashMap<>();
    if (log != null && Files.isRegularFile(log)) {
      logs.put(log.getFileName().toString(), log);
    }
    Path commands = dir.resolve(CommandLog.DIR);
    if (Files.isDirectory(commands)) {
      try (Stream<Path> files = Files.list(commands)) {
        files
            .filter(Files::isRegularFile)
            .sorted()
            .forEach(f -> logs.put(CommandLog.DIR + "/" + f.getFileName(), f));
      } catch (IOException e) {
        LOG.warnf("listing %s failed: %s", commands, e.toString());
      }
    }
    return logs;
  }

  private TaskOutcome runTask(
      TaskRegistry.Entry entry, Assignment a, Path dir, Path log, AttemptArtifacts io)
      throws InterruptedException {
    JsonNode taskData;
    JsonNode dynamicTaskData;
    try {
      taskData = parseObject(a.getTaskDataJson());
      dynamicTaskData = parseObject(a.getDynamicTaskDataJson());
    } catch (JsonProcessingException e) {
      return TaskOutcome.error("configure-failed", "the task data is not a JSON object");
    }
    ExternalTask<?> task;
    try {
      // the SDK's task from the configured task data and the resolved inputs: no lookups here
      task = entry.definition().createForWorker(taskData, dynamicTaskData);
    } catch (TaskDataException e) {
      return TaskOutcome.error("configure-failed", "the task data is not valid: " + e.getMessage());
    } catch (IllegalArgumentException | IllegalStateException e) {
      return TaskOutcome.error(
          "configure-failed", "the dynamic task data is not valid: " + e.getMessage());
    }
    WorkerTask runner = entry.runner();
    LiveLog.Follower follower =
        liveLog.follow(
            a.getWorkRequestId(), a.getAttempt(), a.getTaskType() + "/" + a.getTaskName(), log);
    boolean ended = false;
    try {
      Files.createDirectories(dir);
      TaskOutcome outcome =
          runner.run(
              new TaskContext(
                  a.getWorkRequestId(),
                  a.getAttempt(),
                  a.getWorkspace(),
                  taskData,
                  dynamicTaskData,
                  dir,
                  log,
                  task,
                  io));
      ended = true;
      return outcome;
    } catch (IOException | RuntimeException e) {
      ended = true;
      LOG.error("the task failed to run", e);
      return TaskOutcome.error("execute-failed", String.valueOf(e.getMessage()));
    } finally {
      // the last lines before the upload; none after an abort or an interrupt
      follower.finish(ended && !Thread.currentThread().isInterrupted());
    }
  }

  private static boolean stopped(Attempt attempt) {
    return attempt.aborted.get() || Thread.currentThread().isInterrupted();
  }

  static String outputData(TaskOutcome outcome, List<Long> artifacts, long seconds) {
    ObjectNode output = JSON.createObjectNode();
    ArrayNode ids = output.putArray("artifacts");
    artifacts.forEach(ids::add);
    output.putObject("runtime_statistics").put("duration", seconds);
    if (!outcome.errors().isEmpty()) {
      ArrayNode errors = output.putArray("errors");
      for (TaskError e : outcome.errors()) {
        errors.addObject().put("message", e.message()).put("code", e.code());
      }
    }
    return output.toString();
  }

  private static WorkResult wire(TaskOutcome.Result result) {
    return switch (result) {
      case SUCCESS -> WorkResult.WORK_RESULT_SUCCESS;
      case FAILURE -> WorkResult.WORK_RESULT_FAILURE;
      case ERROR -> WorkResult.WORK_RESULT_ERROR;
    };
  }

  /**
   * Graceful drain: takes no more assignments and lets the running attempts finish, upload and
   * report for up to {@code grace}; then interrupts what is left, which reports nothing (its lease
   * expires and the scheduler retries it elsewhere).
   *
   * @return whether everything finished within the grace period
   */
  boolean drain(Duration grace) throws InterruptedException {
    synchronized (this) {
      draining = true;
    }
    // assign nothing more here; what the scheduler sent meanwhile is handed back (onAssignment)
    toScheduler.accept(
        dev.kiln.api.scheduler.v1.AgentMessage.newBuilder()
            .setDrain(dev.kiln.api.scheduler.v1.Drain.getDefaultInstance())
            .build());
    pool.shutdown();
    if (!running.isEmpty()) {
      LOG.infof("draining: waiting up to %s for %d attempt(s)", grace, running.size());
    }
    if (pool.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      return true;
    }
    LOG.warnf("drain timed out: stopping %d attempt(s)", running.size());
    stopNow();
    return false;
  }

  /** Interrupts every attempt; none of them uploads or reports afterwards. */
  void stopNow() {
    synchronized (this) {
      draining = true;
    }
    running.values().forEach(a -> a.aborted.set(true));
    pool.shutdownNow();
    try {
      pool.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Attempt a : List.copyOf(running.values())) {
      if (a.started.compareAndSet(false, true)) {
        finish(a, AttemptEnd.ABORTED); // was queued, never ran
      }
    }
  }

  private static String key(long workRequestId, int attempt) {
    return workRequestId + "/" + attempt;
  }

  private static JsonNode parseObject(String json) throws JsonProcessingException {
    if (json == null || json.isBlank()) {
      return JSON.createObjectNode();
    }
    JsonNode node = JSON.readTree(json);
    if (!node.isObject()) {
      throw new JsonProcessingException("not a JSON object") {};
    }
    return node;
  }

  private static void deleteQuietly(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.debugf("could not remove %s: %s", dir, e.toString());
    }
  }
}
