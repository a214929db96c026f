package dev.kiln.scheduler.service;

import dev.kiln.scheduler.config.SchedulerConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Group commit of agents' result reports: reports that arrive while a transaction runs wait and go
 * together in the next one ({@link WorkRequestService#completeAll}), so a busy fleet costs a few
 * statements per batch instead of a transaction per report, and an idle one waits for nothing (a
 * lone report is taken at once). A batch that fails as a whole (a database error) is retried report
 * by report, so one bad report only fails itself.
 */
@ApplicationScoped
public class ReportBatcher {

  private static final Logger LOG = Logger.getLogger(ReportBatcher.class);

  private record Pending(
      WorkRequestService.Report report, CompletableFuture<WorkRequestService.Reported> done) {}

  @Inject DispatchService dispatch;
  @Inject AgentSessions sessions;
  @Inject Dispatcher dispatcher;
  @Inject SchedulerConfig config;
  @Inject io.micrometer.core.instrument.MeterRegistry registry;

  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private volatile boolean running;
  private Thread thread;

  void start(@Observes StartupEvent event) {
    running = true;
    thread = new Thread(this::loop, "kiln-reports");
    thread.setDaemon(true);
    thread.start();
  }

  void stop(@Observes ShutdownEvent event) {
    running = false;
    if (thread != null) {
      thread.interrupt();
    }
  }

  /**
   * Queues a report; the future completes after the transaction that took it committed (with the
   * refusal when it was refused), and the reporting worker is then offered new work.
   */
  public CompletableFuture<WorkRequestService.Reported> submit(WorkRequestService.Report report) {
    CompletableFuture<WorkRequestService.Reported> done = new CompletableFuture<>();
    if (!running) {
      done.completeExceptionally(new IllegalStateException("the scheduler is stopping"));
      return done;
    }
    queue.add(new Pending(report, done));
    return done;
  }

  private void loop() {
    List<Pending> batch = new ArrayList<>();
    while (running) {
      try {
        Pending first = queue.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, config.reportBatchSize() - 1);
        apply(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (RuntimeException e) {
        LOG.error("recording a batch of reports failed", e);
        batch.forEach(p -> p.done().completeExceptionally(e));
      } finally {
        batch.clear();
      }
    }
    for (Pending p; (p = queue.poll()) != null; ) {
      p.done().completeExceptionally(new IllegalStateException("the scheduler is stopping"));
    }
  }

  private void apply(List<Pending> batch) {
    DispatchService.Completed done;
    try {
      long started = System.nanoTime();
      done =
          dispatch.completeAndClaim(
              batch.stream().map(Pending::report).toList(), id -> sessions.get(id).isPresent());
      registry
          .timer("kiln_report_batch_transaction")
          .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    } catch (RuntimeException e) {
      if (batch.size() == 1) {
        batch.get(0).done().completeExceptionally(e);
        return;
      }
      LOG.warnf("a batch of %d reports failed (%s); taking them one by one", batch.size(), e);
      for (Pending p : batch) {
        apply(List.of(p));
      }
      return;
    }
    dispatcher.deliver(done.round());
    // held by a dispatch pass that saw them busy (this batch had not committed): offered again
    done.round().skipped().forEach(dispatcher::markFree);
    for (int i = 0; i < batch.size(); i++) {
      WorkRequestService.Reported r = done.outcomes().get(i);
      if (r.error() == null) {
        if (sessions.get(r.workerId()).isEmpty()) {
          dispatcher.markFree(r.workerId()); // its stream is elsewhere (or gone)
        }
        batch.get(i).done().complete(r);
      } else {
        batch.get(i).done().completeExceptionally(r.error());
      }
    }
  }
}
