package dev.kiln.scheduler.service;

import dev.kiln.common.auth.WorkRequestToken;
import dev.kiln.scheduler.config.SchedulerConfig;
import dev.kiln.scheduler.domain.DispatchPlanner;
import dev.kiln.scheduler.domain.WorkerClass;
import dev.kiln.scheduler.domain.WorkerKind;
import dev.kiln.scheduler.repository.QueryPlans;
import dev.kiln.scheduler.repository.WorkRequestRepository;
import dev.kiln.scheduler.repository.WorkerRepository;
import dev.kiln.task.TaskJson;
import dev.kiln.task.input.InputValues;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Claims work for many workers at once: one locked read of the workers' state, then one claim
 * statement per worker class (workers with equal effective tags share the compatible tag classes),
 * then one read of the claimed rows, whatever the number of workers and assignments.
 */
@ApplicationScoped
public class DispatchService {

  /** An assignment for one worker. */
  public record Assigned(long workerId, AssignmentView assignment) {}

  /**
   * What one claim round did.
   *
   * @param assigned the assignments, to push
   * @param withRoom the workers that still have a free slot (nothing more for them was pending)
   * @param skipped the workers left out because another claim for them was running (with {@code
   *     skipLocked}); they may have room when it ends
   */
  public record Round(
      List<Assigned> assigned, java.util.Set<Long> withRoom, java.util.Set<Long> skipped) {
    Round(List<Assigned> assigned, java.util.Set<Long> withRoom) {
      this(assigned, withRoom, java.util.Set.of());
    }
  }

  @Inject WorkRequestRepository repository;
  @Inject WorkRequestService workRequests;
  @Inject WorkerRepository workers;
  @Inject QueryPlans plans;
  @Inject TagIndex tags;
  @Inject SchedulerConfig config;
  @Inject MeterRegistry registry;

  @ConfigProperty(name = "kiln.auth.work-request-token-secret")
  String tokenSecret;

  private Timer pendingToAssigned;

  @PostConstruct
  void metrics() {
    pendingToAssigned =
        Timer.builder("kiln_dispatch_pending_to_assigned")
            .description("Time from creation to first assignment")
            .publishPercentileHistogram()
            .register(registry);
  }

  /** What {@link #completeAndClaim} did: one outcome per report, and the next assignments. */
  public record Completed(List<WorkRequestService.Reported> outcomes, Round round) {}

  /**
   * Records a batch of reports ({@link WorkRequestService#completeAll}) and, in the same
   * transaction, claims the next work of the reporting workers connected to this replica: an agent
   * that reported has its next assignment with the answer, one transaction per batch for both.
   */
  @Transactional
  public Completed completeAndClaim(
      List<WorkRequestService.Report> reports, java.util.function.LongPredicate connectedHere) {
    long started = System.nanoTime();
    plans.forBatchOf(reports.size()); // the reports' statements and the claim's
    List<WorkRequestService.Reported> outcomes = workRequests.completeAll(reports);
    long completed = System.nanoTime();
    java.util.Set<Long> free = new java.util.TreeSet<>();
    for (WorkRequestService.Reported r : outcomes) {
      if (r.error() == null && connectedHere.test(r.workerId())) {
        free.add(r.workerId());
      }
    }
    // a reporting worker a dispatch pass holds is left to it (and offered again after the commit)
    Round round = claim(free, Integer.MAX_VALUE, true);
    // where a batch spends its time (before the commit), for the benchmark and the dashboards
    registry.timer("kiln_report_batch_complete").record(completed - started, TimeUnit.NANOSECONDS);
    registry
        .timer("kiln_report_batch_claim")
        .record(System.nanoTime() - completed, TimeUnit.NANOSECONDS);
    registry.summary("kiln_report_batch_reports").record(reports.size());
    return new Completed(outcomes, round);
  }

  /**
   * Fills these workers up to their concurrency (at most {@code maxPerWorker} each) with the
   * pending work they may take, in dispatch order. Disabled and unknown workers get nothing.
   */
  @Transactional
  public Round claimFor(Collection<Long> workerIds, int maxPerWorker) {
    return claimFor(workerIds, maxPerWorker, false);
  }

  /**
   * {@link #claimFor(Collection, int)}; with {@code skipLocked}, a worker whose row another claim
   * holds is left out ({@link Round#skipped}) instead of waited for: the dispatch pass and the
   * report batches never stall each other.
   */
  @Transactional
  public Round claimFor(Collection<Long> workerIds, int maxPerWorker, boolean skipLocked) {
    if (!workerIds.isEmpty()) {
      plans.forBatchOf(workerIds.size());
    }
    return claim(workerIds, maxPerWorker, skipLocked);
  }

  /**
   * {@link #claimFor(Collection, int, boolean)} in the caller's transaction, planned as the caller
   * chose ({@link QueryPlans#forBatchOf}).
   */
  private Round claim(Collection<Long> workerIds, int maxPerWorker, boolean skipLocked) {
    if (workerIds.isEmpty()) {
      return new Round(List.of(), java.util.Set.of());
    }
    tags.refresh(); // tag classes stored since the last round, in this transaction
    WorkerRepository.DispatchStates locked =
        workers.lockDispatchState(workerIds.toArray(new Long[0]), skipLocked);
    List<WorkerRepository.DispatchState> states = locked.locked();
    Map<Long, TagIndex.Known> classes = tags.classesOf(states);

    // Group the free slots by (kind, class); slots interleave workers so each gets its first
    // request before any gets a second.
    record Group(WorkerKind kind, WorkerClass workerClass, List<long[]> workers) {}
    Map<String, Group> groups = new LinkedHashMap<>();
    for (WorkerRepository.DispatchState s : states) {
      int free = Math.min(maxPerWorker, DispatchPlanner.freeSlots(s.concurrency(), s.running()));
      TagIndex.Known k = classes.get(s.workerId());
      if (free == 0 || k == null) {
        continue;
      }
      groups
          .computeIfAbsent(
              k.kind().wire() + "/" + k.workerClass().key(),
              x -> new Group(k.kind(), k.workerClass(), new ArrayList<>()))
          .workers()
          .add(new long[] {s.workerId(), free});
    }
    Instant now = Instant.now();
    Instant leaseUntil = now.plus(config.leaseDuration());
    List<WorkRequestRepository.Claim> claims = new ArrayList<>();
    for (Group g : groups.values()) {
      long[] compatible = tags.compatible(g.kind(), g.workerClass());
      if (compatible.length == 0) {
        continue;
      }
      List<Long> slots = new ArrayList<>();
      for (int round = 0; ; round++) {
        int before = slots.size();
        for (long[] w : g.workers()) {
          if (w[1] > round) {
            slots.add(w[0]);
          }
        }
        if (slots.size() == before) {
          break;
        }
      }
      for (int from = 0; from < slots.size(); from += config.dispatchBatchSize()) {
        List<Long> chunk =
            slots.subList(from, Math.min(slots.size(), from + config.dispatchBatchSize()));
        List<WorkRequestRepository.Claim> batch =
            repository.claimBatch(
                g.kind().runs().wire(), compatible, chunk.toArray(new Long[0]), leaseUntil);
        claims.addAll(batch);
        if (batch.size() < chunk.size()) {
          break; // nothing more pending for this class
        }
      }
    }
    java.util.Set<Long> withRoom = new java.util.HashSet<>();
    Map<Long, Integer> got = new HashMap<>();
    claims.forEach(c -> got.merge(c.workerId(), 1, Integer::sum));
    for (Group g : groups.values()) {
      for (long[] w : g.workers()) {
        if (got.getOrDefault(w[0], 0) < w[1]) {
          withRoom.add(w[0]);
        }
      }
    }
    if (claims.isEmpty()) {
      return new Round(List.of(), withRoom, locked.skipped());
    }
    List<Assigned> out = new ArrayList<>(claims.size());
    for (WorkRequestRepository.Claim c : claims) {
      if (c.attempt() == 1) {
        pendingToAssigned.record(Duration.between(c.createdAt(), now));
      }
      assignmentsCounter(c.taskType()).increment();
      out.add(new Assigned(c.workerId(), view(c, now)));
    }
    return new Round(out, withRoom, locked.skipped());
  }

  private final Map<String, Counter> assignments = new java.util.concurrent.ConcurrentHashMap<>();

  private Counter assignmentsCounter(String taskType) {
    return assignments.computeIfAbsent(
        taskType, t -> registry.counter("kiln_assignments_total", "task_type", t));
  }

  private AssignmentView view(WorkRequestRepository.Claim c, Instant now) {
    // the configured task data: what the task runs with (dispatch takes prepared requests only)
    Map<String, Object> taskData = json(c.taskDataJson());
    Map<String, Object> dynamicTaskData =
        c.dynamicTaskDataJson() == null ? Map.of() : json(c.dynamicTaskDataJson());
    String token =
        new WorkRequestToken(
                c.workRequestId(),
                c.attempt(),
                c.workspace(),
                now.plus(config.artifactTokenValidity()),
                inputArtifactIds(dynamicTaskData))
            .sign(tokenSecret);
    return new AssignmentView(
        c.workRequestId(),
        c.attempt(),
        c.taskType(),
        c.taskName(),
        taskData,
        dynamicTaskData,
        c.workspace(),
        token);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(String text) {
    try {
      return TaskJson.mapper().readValue(text, Map.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("stored task data is not a JSON object", e);
    }
  }

  /** The artifacts the work request's resolved input fields name: all its token may read. */
  private static Set<Long> inputArtifactIds(Map<String, Object> dynamicTaskData) {
    if (!(dynamicTaskData.get("inputs") instanceof Map<?, ?>)) {
      return Set.of();
    }
    return InputValues.fromJson(TaskJson.mapper().valueToTree(dynamicTaskData.get("inputs")))
        .artifactIds();
  }

  /**
   * Puts back an assignment that never reached its agent (its stream closed): pending again,
   * without counting a retry. The attempt number stays raised, so nothing from the lost attempt can
   * report.
   */
  @Transactional
  public void release(long workRequestId, int attempt, long workerId) {
    repository.update(
        "status = 'pending', workerId = null, startedAt = null, leaseExpiresAt = null"
            + " where id = ?1 and attempt = ?2 and workerId = ?3 and status = 'running'",
        workRequestId,
        attempt,
        workerId);
  }

  /** {@link #release} for many assignments, in one statement. */
  @Transactional
  public void releaseAll(List<Assigned> lost) {
    if (lost.isEmpty()) {
      return;
    }
    Long[] ids = new Long[lost.size()];
    Integer[] attempts = new Integer[lost.size()];
    Long[] workerIds = new Long[lost.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = lost.get(i).assignment().workRequestId();
      attempts[i] = lost.get(i).assignment().attempt();
      workerIds[i] = lost.get(i).workerId();
    }
    repository.releaseAll(ids, attempts, workerIds);
  }
}
