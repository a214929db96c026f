package dev.kiln.workflow.servertask;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.workflow.client.SchedulerRestClient;
import dev.kiln.workflow.config.ServerTaskConfig;
import dev.kiln.workflow.domain.servertask.ReportRules;
import dev.kiln.workflow.domain.servertask.ServerTaskCommand;
import dev.kiln.workflow.domain.servertask.ServerTaskOutcome;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
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
 * A run found {@code done} (its report was lost) is reported again; one found {@code running} was
 * claimed by a runner that still runs it or died during it: it is left alone (never run twice) and
 * the work request waits for an operator's abort or retry.
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
    String key = c.workRequestId() + "/" + c.attempt();
    if (!inFlight.add(key)) {
      registry.counter("kiln_server_tasks_redelivered_total").increment();
      LOG.debugf("work request %d is being handled by this runner already", c.workRequestId());
      return;
    }
    try {
      handleOnce(c);
    } finally {
      inFlight.remove(key);
    }
  }

  private void handleOnce(ServerTaskCommand c) {
    if (runs.claim(c, runnerName)) {
      ServerTaskOutcome outcome = run(c);
      runs.recordOutcome(c.workRequestId(), c.attempt(), outcome);
      registry
          .counter(
              "kiln_server_tasks_run_total", "task_name", c.taskName(), "result", outcome.result())
          .increment();
      report(c.workRequestId(), c.attempt(), outcome);
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
        report(c.workRequestId(), c.attempt(), run.outcome());
      }
      case "reported" ->
          LOG.debugf("work request %d was run and reported already", c.workRequestId());
      default ->
          LOG.warnf(
              "work request %d attempt %d is being run by %s (or it died during the run): not"
                  + " running it again",
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

  private void report(long workRequestId, int attempt, ServerTaskOutcome o) {
    ObjectNode body = mapper.createObjectNode();
    body.put("result", o.result());
    body.set("output_data", o.outputData());
    Duration backoff = config.reportBackoff();
    String last = "";
    for (int i = 1; i <= config.reportAttempts(); i++) {
      ReportRules.Verdict v;
      try {
        SchedulerRestClient.Answer a = scheduler.complete(workRequestId, body);
        v = ReportRules.afterComplete(a.status());
        if (v == null) {
          JsonNode view = scheduler.get(workRequestId).body();
          v = ReportRules.afterConflict(o.result(), view);
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
