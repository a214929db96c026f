package dev.kiln.workflow.servertask;

import static java.util.concurrent.TimeUnit.MILLISECONDS;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.log.LogContext;
import dev.kiln.workflow.client.SchedulerRestClient;
import dev.kiln.workflow.config.ServerTaskConfig;
import dev.kiln.workflow.domain.servertask.ReportRules;
import dev.kiln.workflow.domain.servertask.ServerTaskCommand;
import dev.kiln.workflow.domain.servertask.ServerTaskOutcome;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import org.jboss.logging.Logger;

/**
 * Runs a server task command once and reports its result to the scheduler.
 *
 * <ol>
 *   <li>claim the run ({@code server_task_run}, keyed by work request and attempt): a redelivered
 *       command finds the row and never runs the task again;
 *   <li>run the task with the runner registered for its name (no runner: {@code error});
 *   <li>record the outcome ({@code done});
 *   <li>report it with {@code POST /api/v1/work-requests/{id}/complete}, retried on transport
 *       failures and 5xx; a 409 is read against the work request's state, so the repeat of a result
 *       the scheduler has is harmless; then {@code reported}.
 * </ol>
 *
 * A run found {@code done} (its report was lost) is reported again; one found {@code running} is
 * left to the runner that holds it. Every run has a lease, which the process holding it renews
 * every {@code kiln.server-tasks.lease-check-interval}: a run whose lease expired (its runner died
 * during it, the command's offset may have been committed since) is taken over by the next check of
 * any replica, which runs it again when its task declares that safe ({@link
 * ServerTaskRunner#safeToRerun}), else ends it {@code error} naming the runner that died. A runner
 * whose run was taken over (it was only slow) finds the run no longer its own when it records the
 * outcome, and drops it; the scheduler refuses a report of another attempt of the work request.
 */
@ApplicationScoped
public class ServerTaskService {

  private static final Logger LOG = Logger.getLogger(ServerTaskService.class);

  @Inject ServerTaskRunRepository runs;
  @Inject SchedulerRestClient scheduler;
  @Inject ServerTaskConfig config;
  @Inject ObjectMapper mapper;
  @Inject MeterRegistry registry;
  @Inject @Any Instance<ServerTaskRunner> runnerBeans;

  private final Map<String, ServerTaskRunner> byName = new HashMap<>();
  // runs this process is handling now: a duplicate delivered meanwhile waits for nothing and does
  // nothing (its offset is committed only after the original's)
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private String runnerName;
  private ScheduledExecutorService leaseChecks;
  private ExecutorService takeOvers;

  @PostConstruct
  void init() {
    for (ServerTaskRunner r : runnerBeans) {
      ServerTaskRunner previous = byName.put(r.taskName(), r);
      if (previous != null) {
        throw new IllegalStateException("two runners for server task " + r.taskName());
      }
    }
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "runner";
    }
    runnerName =
        config.runnerName().orElse(host) + "/" + UUID.randomUUID().toString().substring(0, 8);
  }

  void start(@Observes StartupEvent e) {
    leaseChecks = Executors.newSingleThreadScheduledExecutor(daemon("server-task-leases"));
    takeOvers = Executors.newFixedThreadPool(config.concurrency(), daemon("server-task-takeover"));
    long every = config.leaseCheckInterval().toMillis();
    leaseChecks.scheduleWithFixedDelay(this::checkLeasesQuietly, every, every, MILLISECONDS);
  }

  void stop(@Observes ShutdownEvent e) {
    if (leaseChecks != null) {
      leaseChecks.shutdownNow();
      takeOvers.shutdownNow();
    }
  }

  /** The name this process's runs are recorded with. */
  String runnerName() {
    return runnerName;
  }

  private void checkLeasesQuietly() {
    try {
      checkLeases();
    } catch (RuntimeException ex) {
      LOG.warnf("checking the server-task leases failed (next check soon): %s", ex.toString());
    }
  }

  /**
   * Renews the leases of this process's runs, then takes over those of dead runners (each handed to
   * the take-over pool).
   */
  void checkLeases() {
    long lease = Math.max(1, config.lease().toSeconds());
    runs.renewLeases(runnerName, lease);
    for (ServerTaskRunRepository.TakenOver t :
        runs.takeOverExpired(runnerName, lease, config.concurrency())) {
      takeOvers.execute(() -> takeOver(t));
    }
  }

  private void takeOver(ServerTaskRunRepository.TakenOver t) {
    ServerTaskCommand c = null;
    if (t.command() != null) {
      try {
        c = ServerTaskCommand.fromEvent(mapper.readTree(t.command()));
      } catch (IOException | RuntimeException e) {
        LOG.warnf("work request %d: the stored command does not read: %s", t.workRequestId(), e);
      }
    }
    ServerTaskRunner runner = byName.get(t.taskName());
    boolean rerun = c != null && runner != null && runner.safeToRerun();
    registry
        .counter(
            "kiln_server_tasks_taken_over_total",
            "task_name",
            t.taskName(),
            "rerun",
            String.valueOf(rerun))
        .increment();
    try (LogContext ignored = LogContext.workRequest(t.workRequestId(), t.attempt())) {
      ServerTaskOutcome outcome;
      if (rerun) {
        LOG.warnf(
            "server task %s of work request %d: its runner %s stopped during the run; running"
                + " it again",
            t.taskName(), t.workRequestId(), t.deadRunner());
        outcome = run(c);
      } else {
        LOG.warnf(
            "server task %s of work request %d: its runner %s stopped during the run; ending it"
                + " in error (not safe to run again)",
            t.taskName(), t.workRequestId(), t.deadRunner());
        outcome =
            ServerTaskOutcome.error(
                "the runner "
                    + t.deadRunner()
                    + " stopped during the run of "
                    + t.taskName()
                    + " (its lease expired); the task is not run again automatically, as it may"
                    + " have done part of its work: check, then retry the work request");
      }
      if (runs.recordOutcome(t.workRequestId(), t.attempt(), runnerName, outcome)) {
        report(t.workRequestId(), t.attempt(), c == null ? null : c.reportedAttempt(), outcome);
      }
    } catch (RuntimeException e) {
      LOG.warnf(e, "work request %d: taking over the run failed", t.workRequestId());
    }
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** The task names that have a runner. */
  public java.util.Set<String> taskNames() {
    return java.util.Set.copyOf(byName.keySet());
  }

  /**
   * Handles one command; returns normally once nothing is left to do for it (the offset may be
   * committed).
   *
   * @throws IllegalStateException when the scheduler could not be told the result after every
   *     attempt (the offset must stay uncommitted: the next delivery reports it)
   */
  public void handle(ServerTaskCommand c) {
    handle(c, null);
  }

  /**
   * Handles one command, as {@link #handle(ServerTaskCommand)}, keeping the event it came in (a run
   * taken over from a dead runner is run again from it).
   */
  public void handle(ServerTaskCommand c, String commandJson) {
    String key = c.workRequestId() + "/" + c.attempt();
    if (!inFlight.add(key)) {
      registry.counter("kiln_server_tasks_redelivered_total").increment();
      LOG.debugf("work request %d is being handled by this runner already", c.workRequestId());
      return;
    }
    try {
      handleOnce(c, commandJson);
    } finally {
      inFlight.remove(key);
    }
  }

  private void handleOnce(ServerTaskCommand c, String commandJson) {
    if (runs.claim(c, commandJson, runnerName, Math.max(1, config.lease().toSeconds()))) {
      ServerTaskOutcome outcome = run(c);
      registry
          .counter(
              "kiln_server_tasks_run_total", "task_name", c.taskName(), "result", outcome.result())
          .increment();
      if (!runs.recordOutcome(c.workRequestId(), c.attempt(), runnerName, outcome)) {
        LOG.warnf(
            "work request %d attempt %d: the run was taken over by another runner meanwhile (this"
                + " one was too slow to renew its lease): dropping its %s",
            c.workRequestId(), c.attempt(), outcome.result());
        return;
      }
      report(c.workRequestId(), c.attempt(), c.reportedAttempt(), outcome);
      return;
    }
    registry.counter("kiln_server_tasks_redelivered_total").increment();
    Optional<ServerTaskRunRepository.Run> existing = runs.find(c.workRequestId(), c.attempt());
    if (existing.isEmpty()) {
      throw new IllegalStateException("run " + c.workRequestId() + "/" + c.attempt() + " vanished");
    }
    ServerTaskRunRepository.Run run = existing.get();
    switch (run.state()) {
      case "done" -> {
        LOG.infof(
            "work request %d: reporting the recorded %s again",
            c.workRequestId(), run.outcome().result());
        report(c.workRequestId(), c.attempt(), c.reportedAttempt(), run.outcome());
      }
      case "reported" ->
          LOG.debugf("work request %d was run and reported already", c.workRequestId());
      default ->
          LOG.infof(
              "work request %d attempt %d is being run by %s: left to it (taken over if its lease"
                  + " expires)",
              c.workRequestId(), c.attempt(), run.runner());
    }
  }

  private ServerTaskOutcome run(ServerTaskCommand c) {
    ServerTaskRunner runner = byName.get(c.taskName());
    if (runner == null) {
      return ServerTaskOutcome.error("no runner for server task '" + c.taskName() + "'");
    }
    long start = System.nanoTime();
    try {
      ServerTaskOutcome o = runner.run(c);
      LOG.infof(
          "server task %s of work request %d: %s in %d ms",
          c.taskName(), c.workRequestId(), o.result(), (System.nanoTime() - start) / 1_000_000);
      return o;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ServerTaskOutcome.error("interrupted");
    } catch (Exception e) {
      LOG.warnf(e, "server task %s of work request %d failed", c.taskName(), c.workRequestId());
      return ServerTaskOutcome.error(
          e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }
  }

  /**
   * Reports the outcome of run {@code workRequestId}/{@code attempt}, naming {@code
   * reportedAttempt} (when not null) so that the scheduler refuses it for another attempt.
   */
  private void report(
      long workRequestId, int attempt, Integer reportedAttempt, ServerTaskOutcome o) {
    ObjectNode body = mapper.createObjectNode();
    body.put("result", o.result());
    body.set("output_data", o.outputData());
    if (reportedAttempt != null) {
      body.put("attempt", reportedAttempt);
    }
    Duration backoff = config.reportBackoff();
    String last = "";
    for (int i = 1; i <= config.reportAttempts(); i++) {
      ReportRules.Verdict v;
      try {
        SchedulerRestClient.Answer a = scheduler.complete(workRequestId, body);
        v = ReportRules.afterComplete(a.status());
        if (v == null) {
          JsonNode view = scheduler.get(workRequestId).body();
          v = ReportRules.afterConflict(o.result(), reportedAttempt, view);
        }
        last = "HTTP " + a.status() + " " + a.body().path("detail").asText("");
      } catch (IOException e) {
        v = ReportRules.Verdict.RETRY;
        last = e.toString();
      } catch (RuntimeException e) {
        v = ReportRules.Verdict.RETRY;
        last = e.getMessage();
      }
      switch (v) {
        case ACCEPTED -> {
          runs.markReported(workRequestId, attempt);
          return;
        }
        case SUPERSEDED, REFUSED -> {
          LOG.warnf(
              "work request %d: the scheduler does not take the result %s (%s): not reporting it"
                  + " again",
              workRequestId, o.result(), last);
          runs.markReported(workRequestId, attempt);
          return;
        }
        case RETRY -> {
          LOG.infof("work request %d: report attempt %d failed (%s)", workRequestId, i, last);
          sleep(backoff);
          backoff =
              backoff.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0
                  ? Duration.ofSeconds(5)
                  : backoff.multipliedBy(2);
        }
      }
    }
    throw new IllegalStateException(
        "work request " + workRequestId + ": the scheduler did not take the result: " + last);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reporting", e);
    }
  }
}
